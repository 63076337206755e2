import { startEmulator, type Emulator } from './index';
import { call, upload } from './test-helpers';

/* Bad scans on demand (scans.ts): low confidence and schema-violating responses, per file. */

const dataUrl = (text: string) =>
	`data:image/png;base64,${Buffer.from(`\x89PNG\r\n\x1a\n${text}`, 'latin1').toString('base64')}`;

const SCHEMA = {
	type: 'object',
	required: ['invoice_id', 'total'],
	properties: {
		invoice_id: { type: 'string' },
		total: { type: 'number' },
		currency: { type: 'string', enum: ['USD', 'EUR'] },
		notes: { type: 'string' },
	},
};

describe('bad scans on demand', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());

	const generate = async (route: string, body: unknown) => {
		const res = await call(emu, 'POST', route, { body: { batch: false, ...(body as object) } });
		expect(res.status).toBe(201);
		return res.json.response;
	};

	it('reads a clean scan with high confidence everywhere', async () => {
		const r = await generate('/image/generate', {
			images: [dataUrl('a sharp photo')],
			domain: 'document.invoice',
			config: { confidence: true },
		});
		const confidences = Object.keys(r)
			.filter((key) => key.endsWith('_metadata'))
			.map((key) => r[key].confidence);
		expect(new Set(confidences)).toEqual(new Set(['hi']));
	});

	it('lowers confidence for an image whose bytes carry emulator-blurry', async () => {
		const r = await generate('/image/generate', {
			images: [dataUrl('tEXt comment emulator-blurry')],
			domain: 'document.invoice',
			config: { confidence: true, grounding: true },
		});
		expect(r.total_metadata).toEqual({
			confidence: 'low',
			bboxes: [{ xywh: [0.6, 0.845, 0.34, 0.055], page: 0 }],
		});
		expect(r.customer_metadata.confidence).toBe('med');
		expect(r.customer_billing_address_metadata.confidence).toBe('hi');
		expect(r.total).toBe(271.88);
	});

	it('lowers confidence for an uploaded document named emulator-blurry', async () => {
		const file = await upload(emu, 'scan-emulator-blurry.pdf', '%PDF-1.4 plain');
		const r = await generate('/document/generate', {
			file_id: file.id,
			domain: 'document.invoice',
			config: { confidence: true },
		});
		expect(r.subtotal_metadata).toEqual({ confidence: 'low' });
		expect(r.invoice_id_metadata).toEqual({ confidence: 'med' });
	});

	it('breaks the user schema once per kind for emulator-invalid', async () => {
		const r = await generate('/document/generate', {
			url: 'https://files.example/emulator-invalid/invoice.pdf',
			domain: 'document.invoice',
			config: { json_schema: SCHEMA },
		});
		expect(r).not.toHaveProperty('invoice_id');
		expect(r.total).toBe('illegible');
		expect(r.currency).toBe('UNREADABLE');
		expect(r.notes).toEqual(expect.any(String));
	});

	it('breaks the domain schema with a wrong type when it has no required fields or enums', async () => {
		const file = await upload(emu, 'invoice.pdf', 'scanned %% emulator-invalid %%');
		const r = await generate('/document/generate', {
			file_id: file.id,
			domain: 'document.invoice',
		});
		expect(r.subtotal).toBe('illegible');
		expect(r.invoice_id).toBe('INV-2026-0042');
		expect(r.total).toBe(271.88);
	});

	it('spreads the fields of a multi-page document over its pages', async () => {
		const r = await generate('/document/generate', {
			url: 'https://files.example/invoice.pdf',
			domain: 'document.invoice',
			config: { grounding: true, page_indices: [0, 1] },
		});
		expect(r.invoice_id_metadata.bboxes[0].page).toBe(0);
		expect(r.total_metadata.bboxes[0].page).toBe(1);
	});
});
