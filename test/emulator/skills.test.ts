import { startEmulator, type Emulator } from './index';
import { call, upload } from './test-helpers';

const VERSION = /^\d{8}-[0-9a-f]{8}$/;

describe('skills', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());

	it('lists seeded skills with SkillInfo fields', async () => {
		const skills = (await call(emu, 'GET', '/skills')).json;
		expect(skills.length).toBeGreaterThanOrEqual(2);
		expect(skills.find((s: { name: string }) => s.name === 'invoice-extraction')).toEqual({
			id: expect.any(String),
			name: 'invoice-extraction',
			description: expect.any(String),
			skill_version: '20260326-a481daf0',
			created_at: expect.any(String),
			updated_at: expect.any(String),
			status: 'completed',
			is_public: false,
		});
	});

	it('creates from a prompt, dedupes identical content, and looks up by name', async () => {
		const body = { prompt: 'Extract line items from purchase orders', name: 'po-lines' };
		const created = await call(emu, 'POST', '/skills/create', { body });
		expect(created.status).toBe(200);
		expect(created.json).toMatchObject({
			name: 'po-lines',
			skill_version: expect.stringMatching(VERSION),
		});
		expect((await call(emu, 'POST', '/skills/create', { body })).json.id).toBe(created.json.id);
		expect(
			(await call(emu, 'POST', '/skills/lookup', { body: { name: 'po-lines' } })).json.id,
		).toBe(created.json.id);
		expect((await call(emu, 'GET', `/skills/${created.json.id}`)).json.name).toBe('po-lines');
	});

	it('creates from an uploaded zip (name and description required)', async () => {
		const file = await upload(emu, 'skill.zip', 'PK fake zip');
		const noName = await call(emu, 'POST', '/skills/create', {
			body: { file_id: file.id, description: 'd' },
		});
		expect(noName.json.detail[0]).toMatchObject({
			loc: ['body', 'name'],
			type: 'value_error.missing',
		});
		const ok = await call(emu, 'POST', '/skills/create', {
			body: { file_id: file.id, name: 'zip-skill', description: 'From zip' },
		});
		expect(ok.json).toMatchObject({ name: 'zip-skill', description: 'From zip' });
		const download = (await call(emu, 'GET', `/skills/${ok.json.id}/download`)).json;
		expect(download).toEqual({
			download_url: expect.stringContaining(`${emu.origin}/__emulator/blob/`),
			expires_in: 3600,
		});
		expect(await (await fetch(download.download_url)).text()).toBe('PK fake zip');
		const missingFile = await call(emu, 'POST', '/skills/create', {
			body: { file_id: 'nope', name: 'n', description: 'd' },
		});
		expect(missingFile.status).toBe(404);
	});

	it('requires exactly one source', async () => {
		for (const body of [{ name: 'x' }, { prompt: 'a', session_id: 'b' }]) {
			const res = await call(emu, 'POST', '/skills/create', { body });
			expect(res.status).toBe(422);
			expect(res.json.detail[0]).toMatchObject({ loc: ['body'], type: 'value_error' });
		}
		const long = await call(emu, 'POST', '/skills/create', {
			body: { prompt: 'p', description: 'x'.repeat(256) },
		});
		expect(long.json.detail[0]).toMatchObject({
			loc: ['body', 'description'],
			type: 'value_error.any_str.max_length',
		});
		const session = await call(emu, 'POST', '/skills/create', {
			body: { session_id: 'unknown-session' },
		});
		expect(session.status).toBe(404);
	});

	it('creates from a chat session', async () => {
		const chat = (
			await call(emu, 'POST', '/openai/chat/completions', {
				body: { messages: [{ role: 'user', content: 'Summarise invoices' }] },
			})
		).json;
		const res = await call(emu, 'POST', '/skills/create', {
			body: { session_id: chat.session_id },
		});
		expect(res.json.name).toBe('summarise-invoices');
	});

	it('updates into a new version that lookup can pin', async () => {
		const base = (
			await call(emu, 'POST', '/skills/lookup', { body: { name: 'receipt-extraction' } })
		).json;
		const updated = await call(emu, 'POST', `/skills/${base.id}/update`, {
			body: { description: 'Now with tips' },
		});
		expect(updated.json).toMatchObject({
			name: 'receipt-extraction',
			description: 'Now with tips',
		});
		expect(updated.json.skill_version).toMatch(VERSION);
		expect(updated.json.skill_version).not.toBe(base.skill_version);
		expect(
			(await call(emu, 'POST', '/skills/lookup', { body: { name: 'receipt-extraction' } })).json.id,
		).toBe(updated.json.id);
		const pinned = await call(emu, 'POST', '/skills/lookup', {
			body: { name: 'receipt-extraction', skill_version: base.skill_version },
		});
		expect(pinned.json.id).toBe(base.id);
		expect(
			(
				await call(emu, 'POST', '/skills/lookup', {
					body: { name: 'receipt-extraction', skill_version: '20000101-deadbeef' },
				})
			).status,
		).toBe(404);
		const grouped = (await call(emu, 'GET', '/skills?grouped=true&limit=1000')).json;
		expect(grouped.filter((s: { name: string }) => s.name === 'receipt-extraction')).toHaveLength(
			1,
		);
		const all = (await call(emu, 'GET', '/skills?limit=1000')).json;
		expect(all.filter((s: { name: string }) => s.name === 'receipt-extraction')).toHaveLength(2);
		expect((await call(emu, 'POST', '/skills/nope/update', { body: {} })).json).toEqual({
			detail: 'Skill not found',
		});
	});

	it('honours limit, offset, order_by and descending', async () => {
		const byName = (
			await call(emu, 'GET', '/skills?order_by=name&descending=false&limit=1000')
		).json.map((s: { name: string }) => s.name);
		expect(byName).toEqual([...byName].sort());
		const page = (await call(emu, 'GET', '/skills?order_by=name&descending=false&limit=1&offset=1'))
			.json;
		expect(page).toHaveLength(1);
		expect(page[0].name).toBe(byName[1]);
		for (const q of ['limit=0', 'limit=1001', 'order_by=size', 'descending=maybe', 'offset=-1']) {
			expect((await call(emu, 'GET', `/skills?${q}`)).status).toBe(422);
		}
		expect((await call(emu, 'GET', '/skills/nope')).status).toBe(404);
		expect((await call(emu, 'GET', '/skills/nope/download')).status).toBe(404);
	});

	it('serves generated skill bundles as zip archives', async () => {
		const skill = (
			await call(emu, 'POST', '/skills/lookup', { body: { name: 'invoice-extraction' } })
		).json;
		const { download_url } = (await call(emu, 'GET', `/skills/${skill.id}/download`)).json;
		const res = await fetch(download_url);
		expect(res.headers.get('content-type')).toBe('application/zip');
		const zip = Buffer.from(await res.arrayBuffer());
		expect(zip.readUInt32LE(0)).toBe(0x04034b50);
		expect(zip.toString('utf8')).toContain('name: invoice-extraction');
	});
});
