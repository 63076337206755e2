/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
import { join } from 'node:path';

import { VlmRun } from 'vlmrun';

import { startEmulator, type Emulator } from './index';

const fixtures = join(__dirname, '..', 'fixtures');

// The vendor's own Node SDK, pointed at the emulator: proof that the emulator speaks VLM Run's
// API, not just what our node expects.
describe('the VLM Run Node SDK against the emulator', () => {
	let emulator: Emulator;
	let client: VlmRun;

	beforeAll(async () => {
		emulator = await startEmulator({ jobMode: 'polls', pollsToComplete: 1 });
		client = new VlmRun({ apiKey: emulator.apiKey, baseURL: emulator.baseUrl });
	});

	afterAll(async () => await emulator.close());

	it('lists models and hub domains and fetches a domain schema', async () => {
		expect((await client.models.list()).length).toBeGreaterThan(0);
		expect((await client.hub.listDomains()).map((domain) => domain.domain)).toContain(
			'document.invoice',
		);
		expect((await client.hub.getSchema({ domain: 'document.invoice' })).json_schema).toMatchObject({
			type: 'object',
		});
	});

	it('uploads a document, generates a batch prediction and waits for it', async () => {
		const file = await client.files.upload({
			filePath: join(fixtures, 'invoice-1.pdf'),
			checkDuplicate: false,
		});
		expect(file).toMatchObject({ filename: 'invoice-1.pdf', bytes: expect.any(Number) });
		const pending = await client.document.generate({
			fileId: file.id,
			domain: 'document.invoice',
			batch: true,
		});
		expect(pending.status).toBe('pending');
		const done = await client.predictions.wait(pending.id, 10, 0.05);
		expect(done.status).toBe('completed');
		expect(done.response).toHaveProperty('invoice_id');
		expect((await client.files.get(file.id)).id).toBe(file.id);
	});

	it('sends a local image inline and gets the domain fields back', async () => {
		const prediction = await client.image.generate({
			images: [join(fixtures, 'receipt.png')],
			domain: 'document.receipt',
		});
		expect(prediction.status).toBe('completed');
		const [call] = emulator.requests({ method: 'POST', path: '/image/generate' });
		expect((call.body as { images: string[] }).images[0]).toMatch(/^data:image\/png;base64,/);
	});

	it('surfaces an unknown prediction as the SDK error for a 404', async () => {
		await expect(client.predictions.get('no-such-prediction')).rejects.toThrow();
	});
});
