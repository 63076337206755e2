/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startEmulator, type Emulator } from './index';
import { call, upload } from './test-helpers';

const FIXTURES = join(__dirname, '..', 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const RECEIPT = `data:image/png;base64,${fixture('receipt.png').toString('base64')}`;

/** A PDF whose page objects are readable, with `pages` pages. */
function pdf(pages: number): Buffer {
	const page = '<< /Type /Page /Parent 2 0 R >>\n';
	return Buffer.from(`%PDF-1.4\n<< /Type /Pages /Count ${pages} >>\n${page.repeat(pages)}%%EOF\n`);
}

describe('synchronous and asynchronous answers in time mode', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator({ jobMode: 'time', jobDurationMs: 300, jobLengths: 'content' });
	});
	afterAll(() => emu.close());
	afterEach(() => emu.configure({ syncWindowMs: 60_000, refuseSync: false, jobDurationMs: 300 }));

	const generate = async (route: string, body: Record<string, unknown>) => {
		const started = Date.now();
		const res = await call(emu, 'POST', route, { body: { domain: 'document.invoice', ...body } });
		return { ...res, ms: Date.now() - started };
	};

	it('blocks a batch:false image for the length of its job and answers it completed', async () => {
		const res = await generate('/image/generate', { images: [RECEIPT], batch: false });
		expect(res.status).toBe(201);
		expect(res.json.status).toBe('completed');
		expect(res.ms).toBeGreaterThanOrEqual(280);
		expect(res.json.usage.duration_seconds).toBeGreaterThanOrEqual(0.28);
	});

	it('answers batch:true at once, pending, and the job ends after its length', async () => {
		const res = await generate('/image/generate', { images: [RECEIPT], batch: true });
		expect(res.json.status).toBe('pending');
		expect(res.ms).toBeLessThan(280);
		await new Promise((resolve) => setTimeout(resolve, 350));
		expect((await call(emu, 'GET', `/predictions/${res.json.id}`)).json.status).toBe('completed');
	});

	it('makes a job as long as its content: per page of a PDF, per image', async () => {
		const file = await upload(emu, 'three.pdf', pdf(3));
		emu.configure({ syncWindowMs: 5_000 });
		const res = await generate('/document/generate', { file_id: file.id, batch: false });
		expect(res.json).toMatchObject({
			status: 'completed',
			usage: { elements_processed: 3, element_type: 'page' },
		});
		expect(res.ms).toBeGreaterThanOrEqual(3 * 300 - 20);
		const two = await generate('/image/generate', { images: [RECEIPT, RECEIPT], batch: false });
		expect(two.ms).toBeGreaterThanOrEqual(2 * 300 - 20);
	});

	it('answers a job longer than the sync window still running, with its id to poll', async () => {
		emu.configure({ syncWindowMs: 100, jobDurationMs: 400 });
		const res = await generate('/image/generate', { images: [RECEIPT], batch: false });
		expect(res.status).toBe(201);
		expect(['pending', 'running']).toContain(res.json.status);
		expect(res.ms).toBeLessThan(380);
		await new Promise((resolve) => setTimeout(resolve, 450));
		expect((await call(emu, 'GET', `/predictions/${res.json.id}`)).json.status).toBe('completed');
	});

	it('refuses batch:false on request without creating a job', async () => {
		emu.configure({ refuseSync: true });
		const before = emu.jobsCreated().predictions;
		const res = await generate('/image/generate', { images: [RECEIPT], batch: false });
		expect(res.status).toBe(400);
		expect(res.json.detail).toMatch(/batch: true/);
		expect(emu.jobsCreated().predictions).toBe(before);
		expect((await generate('/image/generate', { images: [RECEIPT], batch: true })).status).toBe(
			201,
		);
	});

	it('decodes a data URL and rejects one that is not an image', async () => {
		const text = `data:image/png;base64,${Buffer.from('filesystem-v2').toString('base64')}`;
		const res = await generate('/image/generate', { images: [text], batch: false });
		expect(res.status).toBe(422);
		expect(res.json.detail[0]).toMatchObject({
			loc: ['body', 'images', 0],
			msg: 'the data URL does not decode to an image',
		});
	});
});
