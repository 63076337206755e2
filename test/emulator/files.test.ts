/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';

import { startEmulator, type Emulator } from './index';
import { call, upload } from './test-helpers';

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

describe('files', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());

	it('uploads multipart with 201 and serves the bytes at public_url', async () => {
		const file = await upload(emu, 'invoice.pdf', '%PDF-1.4 hello');
		expect(file).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			filename: 'invoice.pdf',
			bytes: 14,
			purpose: 'assistants',
			created_at: expect.stringMatching(/Z$/),
			object: 'file',
			public_url: `${emu.origin}/__emulator/blob/${file.id}`,
		});
		const blob = await fetch(file.public_url);
		expect(blob.headers.get('content-type')).toBe('application/pdf');
		expect(await blob.text()).toBe('%PDF-1.4 hello');
		const [entry] = emu.requests({ method: 'POST', path: '/files' }).slice(-1);
		expect(entry.body).toMatchObject({
			files: [{ field: 'file', filename: 'invoice.pdf', bytes: 14 }],
		});
		expect(emu.jobsCreated().uploads).toBeGreaterThanOrEqual(1);
	});

	it('takes purpose from the query or a form field and honours generate_public_url=false', async () => {
		const form = new FormData();
		form.append('purpose', 'vision');
		form.append('file', new Blob(['x']), 'a.png');
		const viaForm = await call(emu, 'POST', '/files?generate_public_url=false', { form });
		expect(viaForm.json).toMatchObject({ purpose: 'vision', public_url: null });
		const form2 = new FormData();
		form2.append('file', new Blob(['y']), 'b.png');
		const viaQuery = await call(emu, 'POST', '/files?purpose=batch', { form: form2 });
		expect(viaQuery.json.purpose).toBe('batch');
		const form3 = new FormData();
		form3.append('file', new Blob(['z']), 'c.png');
		const bad = await call(emu, 'POST', '/files?purpose=nope', { form: form3 });
		expect(bad.status).toBe(422);
		expect(bad.json.detail[0]).toMatchObject({
			loc: ['query', 'purpose'],
			type: 'type_error.enum',
		});
	});

	it('parses binary multipart bodies exactly, across chunk boundaries', async () => {
		const data = Buffer.alloc(3 * 1024 * 1024 + 17);
		for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 9)) & 0xff;
		data.write('\r\n--not-the-boundary\r\n', 1024 * 1024);
		const file = await upload(emu, 'binary.bin', data);
		expect(file.bytes).toBe(data.length);
		const served = Buffer.from(await (await fetch(file.public_url)).arrayBuffer());
		expect(md5(served)).toBe(md5(data));
	});

	it('answers 422 when the file part is missing', async () => {
		const form = new FormData();
		form.append('purpose', 'assistants');
		const res = await call(emu, 'POST', '/files', { form });
		expect(res.json).toEqual({
			detail: [{ loc: ['body', 'file'], msg: 'field required', type: 'value_error.missing' }],
		});
	});

	it('lists newest first with skip/limit, gets, and deletes', async () => {
		const a = await upload(emu, 'list-a.txt', 'a');
		const b = await upload(emu, 'list-b.txt', 'b');
		const list = await call(emu, 'GET', '/files?limit=2');
		expect(list.json.map((f: { id: string }) => f.id)).toEqual([b.id, a.id]);
		expect((await call(emu, 'GET', '/files?skip=1&limit=1')).json[0].id).toBe(a.id);
		expect((await call(emu, 'GET', '/files?limit=0')).status).toBe(422);
		expect((await call(emu, 'GET', '/files?limit=1001')).json.detail[0].loc).toEqual([
			'query',
			'limit',
		]);
		expect((await call(emu, 'GET', `/files/${a.id}`)).json.public_url).not.toBeNull();
		expect(
			(await call(emu, 'GET', `/files/${a.id}?generate_public_url=false`)).json.public_url,
		).toBeNull();
		const deleted = await call(emu, 'DELETE', `/files/${a.id}`);
		expect(deleted.status).toBe(200);
		expect(deleted.json).toMatchObject({ id: a.id, filename: 'list-a.txt', object: 'file' });
		const gone = await call(emu, 'GET', `/files/${a.id}`);
		expect([gone.status, gone.json]).toEqual([404, { detail: 'File not found' }]);
	});

	it('finds files by md5 and answers a miss with nulls (or 404 when configured)', async () => {
		const file = await upload(emu, 'hash.txt', 'hash me');
		expect((await call(emu, 'GET', `/files/hash/${md5('hash me')}`)).json.id).toBe(file.id);
		const miss = await call(emu, 'GET', `/files/hash/${md5('never uploaded')}`);
		expect(miss.status).toBe(200);
		expect(miss.json).toEqual({
			id: null,
			filename: null,
			bytes: 0,
			purpose: 'assistants',
			created_at: expect.any(String),
			object: 'file',
			public_url: null,
		});
		emu.configure({ hashMissMode: '404' });
		const miss404 = await call(emu, 'GET', `/files/hash/${md5('never uploaded')}`);
		emu.configure({ hashMissMode: 'nulls' });
		expect([miss404.status, miss404.json]).toEqual([404, { detail: 'File not found' }]);
	});

	it('runs the presigned flow: URL, unauthenticated PUT (200), verify-upload', async () => {
		const presigned = await call(emu, 'POST', '/files/presigned-url', {
			body: { filename: 'big.mp4', purpose: 'assistants', expiration: 600 },
		});
		expect(presigned.status).toBe(200);
		expect(presigned.json).toMatchObject({
			filename: 'big.mp4',
			content_type: 'video/mp4',
			upload_method: 'PUT',
			method: 'PUT',
			expiration: 600,
			public_url: `${emu.origin}/__emulator/blob/${presigned.json.id}`,
		});
		expect(presigned.json.url).toMatch(
			new RegExp(`^${emu.origin}/__emulator/upload/${presigned.json.id}\\?.*sig=`),
		);
		const early = await call(emu, 'GET', `/files/verify-upload/${presigned.json.id}`);
		expect(early.status).toBe(404);
		const forged = await fetch(presigned.json.url.replace(/sig=[0-9a-f]+/, 'sig=00'), {
			method: 'PUT',
			body: 'x',
		});
		expect(forged.status).toBe(403);
		const put = await fetch(presigned.json.url, {
			method: 'PUT',
			body: 'video-bytes',
			headers: { 'Content-Type': 'video/mp4' },
		});
		expect(put.status).toBe(200);
		const verified = await call(emu, 'GET', `/files/verify-upload/${presigned.json.id}`);
		expect(verified.json).toMatchObject({ id: presigned.json.id, bytes: 11, filename: 'big.mp4' });
		expect((await call(emu, 'GET', `/files/hash/${md5('video-bytes')}`)).json.id).toBe(
			presigned.json.id,
		);
		const [putEntry] = emu.requests({ method: 'PUT', path: '/__emulator/upload/*' }).slice(-1);
		expect(putEntry.headers.authorization).toBeUndefined();
		expect(putEntry.rawBodyBytes).toBe(11);
	});

	it('streams uploads over 64 MiB, keeping only size and md5', async () => {
		const presigned = (
			await call(emu, 'POST', '/files/presigned-url', { body: { filename: 'huge.bin' } })
		).json;
		const chunk = Buffer.alloc(4 * 1024 * 1024, 7);
		const chunks = 17;
		const hash = createHash('md5');
		for (let i = 0; i < chunks; i++) hash.update(chunk);
		async function* body() {
			for (let i = 0; i < chunks; i++) yield chunk;
		}
		const res = await request(presigned.url, { method: 'PUT', body: Readable.from(body()) });
		await res.body.dump();
		expect(res.statusCode).toBe(200);
		const verified = await call(emu, 'GET', `/files/verify-upload/${presigned.id}`);
		expect(verified.json.bytes).toBe(chunks * chunk.length);
		expect((await call(emu, 'GET', `/files/hash/${hash.digest('hex')}`)).json.id).toBe(
			presigned.id,
		);
		expect((await fetch(presigned.public_url)).status).toBe(410);
	});
});
