import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import {
	connect,
	createBinaryItem,
	HarnessPassThrough,
	readBinary,
	runWorkflow,
	type BinaryInput,
} from '../harness';
import { readRgbPng } from '../../pngFiles';
import { resumeWaiting, waitingJobs } from '../resume';
import { fixture, useEmulator, vlmNode } from '../vlmrun';

/*
 * Review Rules on Extract: which output (Confident, Needs Review) each item takes and why. The
 * emulator reads files marked emulator-blurry / emulator-invalid like bad scans (emulator/scans.ts).
 */

const env = useEmulator();

const INVOICE = { __rl: true, mode: 'list', value: 'document.invoice' };

const SCHEMA = {
	type: 'object',
	required: ['invoice_id', 'total', 'currency'],
	properties: {
		invoice_id: { type: 'string' },
		total: { type: 'number' },
		currency: { type: 'string', enum: ['USD', 'EUR'] },
		customer: {
			type: 'object',
			required: ['name'],
			properties: { name: { type: 'string' } },
		},
	},
};

/** A PNG whose bytes carry a marker the emulator reads (its header stays a valid 48×64 PNG). */
function scan(fileName: string, marker = ''): BinaryInput {
	const png = fixture('receipt.png');
	return { ...png, fileName, data: Buffer.concat([png.data as Buffer, Buffer.from(marker)]) };
}

async function items(...files: BinaryInput[]) {
	return await Promise.all(files.map(async (file) => await createBinaryItem({ data: file })));
}

async function run(
	parameters: IDataObject,
	inputItems: INodeExecutionData[],
	extra: IDataObject = {},
) {
	const node = vlmNode(
		'vlmRunRequest',
		{ resource: 'prediction', operation: 'extract', domain: INVOICE, ...parameters },
		extra,
	);
	const connections = {};
	connect(connections, 'VLM Run', 'Approve', { outputIndex: 0 });
	connect(connections, 'VLM Run', 'Check', { outputIndex: 1 });
	const result = await runWorkflow({
		nodes: [
			node,
			{ name: 'Approve', type: 'passThrough', typeVersion: 1, parameters: {} },
			{ name: 'Check', type: 'passThrough', typeVersion: 1, parameters: {} },
		],
		connections,
		nodeTypes: [VlmRunRequest, HarnessPassThrough],
		inputItems,
		credentials: env.credentials(),
	});
	expect(result.error).toBeUndefined();
	const received = (name: string) => (result.runData[name] ? result.outputs(name) : []);
	return {
		result,
		confident: result.outputs('VLM Run', { output: 0 }),
		needsReview: result.outputs('VLM Run', { output: 1 }),
		approved: received('Approve'),
		checked: received('Check'),
	};
}

const review = (item: INodeExecutionData) =>
	(item.json.vlmrun as IDataObject).review as { needed: boolean; reasons: IDataObject[] };

const RED = [0xd1, 0x24, 0x2f];
const GREEN = [0x1a, 0x7f, 0x37];

function pixel(image: { width: number; data: Uint8Array }, x: number, y: number): number[] {
	const i = (y * image.width + x) * 3;
	return Array.from(image.data.subarray(i, i + 3));
}

const generateBodies = () =>
	env.emulator
		.requests({ method: 'POST', path: /\/(image|document)\/generate$/ })
		.map((request) => request.body as IDataObject);

describe('Review Rules on Extract', () => {
	it('keeps one output and no review without rules', async () => {
		const { result } = await run({}, await items(scan('a.png')));
		expect(result.task('VLM Run').data?.main).toHaveLength(1);
		const [item] = result.outputs('VLM Run');
		expect(item.json.vlmrun).not.toHaveProperty('review');
		expect(generateBodies()[0].config).not.toHaveProperty('confidence');
	});

	it('routes fields below Minimum Confidence to Needs Review, turning Confidence Scores on', async () => {
		const { result, confident, needsReview, approved, checked } = await run(
			{ reviewRules: { minConfidence: 'med' } },
			await items(scan('sharp.png'), scan('blurry.png', 'emulator-blurry'), scan('clear.png')),
		);
		expect(result.task('VLM Run').data?.main).toHaveLength(2);
		expect(generateBodies().map((body) => (body.config as IDataObject).confidence)).toEqual([
			true,
			true,
			true,
		]);
		expect(confident.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(confident.map(review)).toEqual([
			{ needed: false, reasons: [] },
			{ needed: false, reasons: [] },
		]);
		expect(needsReview.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(review(needsReview[0])).toEqual({
			needed: true,
			reasons: ['subtotal', 'tax', 'total'].map((field) => ({
				field,
				rule: 'confidence',
				value: needsReview[0].json[field],
				confidence: 'low',
				message: `${field}: VLM Run's confidence is low, below medium`,
			})),
		});
		// n8n delivers each output along its own connection.
		expect(approved.map((item) => item.json.vlmrun)).toEqual(
			confident.map((item) => item.json.vlmrun),
		);
		expect(checked.map((item) => item.json.vlmrun)).toEqual(
			needsReview.map((item) => item.json.vlmrun),
		);
	});

	it('with High, also flags the fields read with medium confidence', async () => {
		const { needsReview } = await run(
			{ reviewRules: { minConfidence: 'hi' } },
			await items(scan('blurry.png', 'emulator-blurry')),
		);
		const reasons = review(needsReview[0]).reasons;
		expect(reasons.filter((r) => r.confidence === 'med').map((r) => r.field)).toEqual([
			'invoice_id',
			'invoice_issue_date',
			'customer',
			'customer_email',
			'customer_phone',
		]);
		expect(reasons.filter((r) => r.confidence === 'low').map((r) => r.field)).toEqual([
			'subtotal',
			'tax',
			'total',
		]);
	});

	it('flags a missing required field, a wrong type and a value outside the enum of the user schema', async () => {
		const { confident, needsReview } = await run(
			{
				inputSource: 'url',
				urls: 'https://files.example/clean.pdf https://files.example/emulator-invalid/scan.pdf',
				schemaSource: 'json',
				jsonSchema: JSON.stringify(SCHEMA),
				reviewRules: { validateSchema: true },
			},
			[{ json: {} }],
		);
		expect(confident.map((item) => item.json.vlmrun)).toMatchObject([
			{ url: 'https://files.example/clean.pdf', review: { needed: false, reasons: [] } },
		]);
		expect(needsReview).toHaveLength(1);
		expect(needsReview[0].pairedItem).toEqual({ item: 0 });
		expect(review(needsReview[0]).reasons).toEqual([
			{
				field: 'invoice_id',
				rule: 'required',
				value: null,
				confidence: null,
				message: 'invoice_id is required but missing',
			},
			{
				field: 'total',
				rule: 'type',
				value: 'illegible',
				confidence: null,
				message: 'total should be number, but is string "illegible"',
			},
			{
				field: 'currency',
				rule: 'enum',
				value: 'UNREADABLE',
				confidence: null,
				message: 'currency is "UNREADABLE", not one of "USD", "EUR"',
			},
		]);
		// The user's schema is the one in use: no domain schema is fetched.
		expect(env.emulator.requests({ method: 'POST', path: '/schema' })).toHaveLength(0);
	});

	it("validates against the domain's schema, fetched once per run", async () => {
		const { confident, needsReview } = await run(
			{ reviewRules: { validateSchema: true } },
			await items(
				fixture('invoice-1.pdf'),
				{ ...fixture('invoice-2.pdf'), fileName: 'invoice-2-emulator-invalid.pdf' },
				fixture('invoice-1.pdf'),
			),
		);
		expect(env.emulator.requests({ method: 'POST', path: '/schema' })).toEqual([
			expect.objectContaining({ body: { domain: 'document.invoice' } }),
		]);
		expect(confident.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(review(needsReview[0]).reasons).toEqual([
			expect.objectContaining({ field: 'subtotal', rule: 'type', value: 'illegible' }),
		]);
	});

	it('reports the pages and boxes of flagged document fields', async () => {
		const file = { ...fixture('invoice-1.pdf'), fileName: 'emulator-invalid-emulator-blurry.pdf' };
		const { needsReview } = await run(
			{
				reviewRules: { validateSchema: true, minConfidence: 'med' },
				options: { grounding: true, pages: '1-2' },
			},
			await items(file),
		);
		const reasons = review(needsReview[0]).reasons;
		// The unreadable subtotal came back as text, which VLM Run reads with medium confidence.
		expect(reasons.map((r) => [r.field, r.rule, r.confidence])).toEqual([
			['tax', 'confidence', 'low'],
			['total', 'confidence', 'low'],
			['subtotal', 'type', 'med'],
		]);
		// Fields later in the document sit on its second page (1-based, like the Pages option).
		expect(reasons[1].boxes).toEqual([{ page: 2, xywh: [0.6, 0.845, 0.34, 0.055] }]);
		// No picture for documents: their pages are not images the node can draw on.
		expect(needsReview[0].binary?.review).toBeUndefined();
	});

	it('sends an item to Needs Review when the condition over the extracted item is true', async () => {
		const input = await items(scan('a.png'));
		// $json is the extracted item (total 271.88), not the input item.
		input[0].json = { total: 5 };
		const flagged = await run(
			{
				reviewRules: { condition: '={{ $json.total > 100 && $json.customer.startsWith("Acme") }}' },
			},
			input,
		);
		expect(review(flagged.needsReview[0])).toEqual({
			needed: true,
			reasons: [
				{
					field: null,
					rule: 'condition',
					value: true,
					confidence: null,
					message:
						'Needs Review If {{ $json.total > 100 && $json.customer.startsWith("Acme") }} is true',
				},
			],
		});
		const passed = await run({ reviewRules: { condition: '={{ $json.total > 10000 }}' } }, input);
		expect(passed.confident).toHaveLength(1);
		expect(review(passed.confident[0])).toEqual({ needed: false, reasons: [] });
	});

	it('fails the item, naming the condition, when it is not true or false', async () => {
		const node = vlmNode('vlmRunRequest', {
			resource: 'prediction',
			operation: 'extract',
			domain: INVOICE,
			reviewRules: { condition: '={{ $json.customer }}' },
		});
		const result = await runWorkflow({
			nodes: [node],
			nodeTypes: [VlmRunRequest],
			inputItems: await items(scan('a.png')),
			credentials: env.credentials(),
		});
		expect(result.error?.message).toBe(
			'The review condition "{{ $json.customer }}" gave "Acme Corporation", not true or false',
		);
	});

	it('combines the rules: each reason once, all items paired', async () => {
		const { confident, needsReview } = await run(
			{
				inputSource: 'url',
				urls: [
					'https://files.example/ok.pdf',
					'https://files.example/emulator-blurry/emulator-invalid.pdf',
				].join(','),
				schemaSource: 'json',
				jsonSchema: JSON.stringify(SCHEMA),
				reviewRules: {
					minConfidence: 'med',
					validateSchema: true,
					condition: '={{ $json.currency !== "USD" }}',
				},
			},
			[{ json: {} }],
		);
		expect(confident).toHaveLength(1);
		expect(needsReview).toHaveLength(1);
		expect(review(needsReview[0]).reasons.map((r) => [r.field, r.rule, r.confidence])).toEqual([
			['invoice_id', 'required', null],
			['total', 'type', 'med'],
			['currency', 'enum', 'med'],
			[null, 'condition', null],
		]);
		expect(review(confident[0])).toEqual({ needed: false, reasons: [] });
	});

	it('draws the review picture for an image with grounding: a PNG for n8n, the SVG beside it', async () => {
		const { needsReview, result } = await run(
			{ reviewRules: { minConfidence: 'med' }, options: { grounding: true } },
			await items(scan('blurry-receipt.png', 'emulator-blurry')),
		);
		const { review: png, reviewSvg } = needsReview[0].binary ?? {};
		expect(png).toMatchObject({ mimeType: 'image/png', fileName: 'blurry-receipt-review.png' });
		expect(reviewSvg).toMatchObject({
			mimeType: 'image/svg+xml',
			fileName: 'blurry-receipt-review.svg',
		});
		const picture = readRgbPng(await result.binaryData(needsReview[0], 'review'));
		// The 48×64 image at the top left, the legend of 11 fields beside it, taller than the image.
		expect(picture.width).toBeGreaterThan(48 + 11 * 6 * 2);
		expect(picture.height).toBeGreaterThan(64);
		const svg = (await result.binaryData(needsReview[0], 'reviewSvg')).toString('utf8');
		// The 48×64 image, then the legend beside it.
		expect(svg).toContain('<image x="0" y="0" width="48" height="64"');
		expect(svg).toContain('viewBox="0 0 320 170.4"');
		expect(svg).toContain('href="data:image/png;base64,iVBORw0KGgo');
		expect(svg.match(/<g class="flagged">/g)).toHaveLength(3);
		expect(svg.match(/<g class="ok">/g)).toHaveLength(8);
		expect(svg).toContain('<title>total: 271.88 ⚠ confidence</title>');
		// The box of total: x 0.6 × 48, y 0.845 × 64.
		expect(svg).toContain('<rect x="28.8" y="54.1" width="16.3" height="3.5"');
		// Field 11 in the legend, in bold red.
		expect(svg).toContain(
			'<text x="74.4" y="156.8" font-size="8" fill="#d1242f" font-weight="bold">total: 271.88 ⚠ confidence</text>',
		);
	});

	it('draws each field of a scanned invoice where VLM Run located it: flagged ones red, others green', async () => {
		const scanFile = fixture('invoice-scan-blurry.png');
		const { needsReview, result } = await run(
			{ reviewRules: { minConfidence: 'med' }, options: { grounding: true } },
			await items({
				...scanFile,
				data: Buffer.concat([scanFile.data as Buffer, Buffer.from('emulator-blurry')]),
			}),
		);
		const item = needsReview[0];
		const picture = readRgbPng(await result.binaryData(item, 'review'));
		const scanImage = readRgbPng(scanFile.data as Buffer);
		// 760×984 is below the 1600-pixel limit: the scan at full size, the legend to its right.
		expect(picture.height).toBe(984);
		expect(picture.width).toBeGreaterThan(760 + 300);
		// Where no box is drawn, the scan is unchanged: its bottom-left corner, below every field.
		for (let y = 900; y < 984; y += 7)
			for (let x = 0; x < 400; x += 7) expect(pixel(picture, x, y)).toEqual(pixel(scanImage, x, y));
		const flagged = review(item).reasons.map((reason) => reason.field);
		expect(flagged).toEqual(['subtotal', 'tax', 'total']);
		const boxes = Object.entries(item.json)
			.filter(([key]) => key.endsWith('_metadata'))
			.map(([key, meta]) => ({
				field: key.slice(0, -'_metadata'.length),
				xywh: ((meta as IDataObject).bboxes as Array<{ xywh: number[] }>)[0].xywh,
			}));
		expect(boxes).toHaveLength(11);
		for (const { field, xywh } of boxes) {
			const [x, y, w, h] = xywh;
			const right = Math.round(x * 760) + Math.round(w * 760) - 1;
			const bottom = Math.round(y * 984) + Math.round(h * 984) - 1;
			const colour = flagged.includes(field) ? RED : GREEN;
			// The outline's bottom-right corner, away from the number tag on the top-left corner.
			expect([field, pixel(picture, right, bottom)]).toEqual([field, colour]);
			// Flagged outlines are 3 pixels thick, the others 1.
			const inside = pixel(picture, right - 2, bottom - 2);
			expect([field, inside[0] === RED[0] && inside[1] === RED[1]]).toEqual([
				field,
				flagged.includes(field),
			]);
		}
		// Inside the flagged total's box, the scan shows through a red tint.
		const [x, y, w, h] = boxes.find((box) => box.field === 'total')!.xywh;
		const cx = Math.round((x + w / 2) * 760);
		const cy = Math.round((y + h / 2) * 984);
		const [r, g, b] = pixel(scanImage, cx, cy);
		expect(pixel(picture, cx, cy)).toEqual(
			[r, g, b].map((v, c) => Math.trunc(v + (RED[c] - v) * 0.16)),
		);
		// The legend: red text for 3 fields, green for 8, in rows beside the scan.
		const legendColours = (colour: number[]) => {
			let count = 0;
			for (let py = 0; py < picture.height; py++)
				for (let i = (py * picture.width + 760) * 3; i < (py + 1) * picture.width * 3; i += 3)
					if (picture.data[i] === colour[0] && picture.data[i + 1] === colour[1]) count++;
			return count;
		};
		expect(legendColours(RED)).toBeGreaterThan(1000);
		expect(legendColours(GREEN)).toBeGreaterThan(3000);
		// Nothing but white below the legend.
		expect(pixel(picture, picture.width - 1, picture.height - 1)).toEqual([255, 255, 255]);
	});

	it('draws the review PNG on a JPEG photo too', async () => {
		const photo = fixture('jpeg/progressive-420.jpg').data as Buffer;
		const { needsReview, result } = await run(
			{ reviewRules: { minConfidence: 'med' }, options: { grounding: true } },
			await items({
				data: Buffer.concat([photo, Buffer.from('emulator-blurry')]),
				fileName: 'photo.jpg',
				mimeType: 'image/jpeg',
			}),
		);
		const { review: png, reviewSvg } = needsReview[0].binary ?? {};
		expect([png?.mimeType, png?.fileName, reviewSvg?.mimeType]).toEqual([
			'image/png',
			'photo-review.png',
			'image/svg+xml',
		]);
		const picture = readRgbPng(await result.binaryData(needsReview[0], 'review'));
		// The 77×53 photo, then the legend of 11 fields, taller than the photo.
		expect(picture.width).toBeGreaterThan(77 + 11 * 12);
		expect(picture.height).toBeGreaterThan(53);
		// The flagged total's outline: bottom-right corner of x 0.6, y 0.845, w 0.34, h 0.055.
		expect(pixel(picture, 46 + 26 - 1, 45 + 3 - 1)).toEqual(RED);
	});

	it('keeps the SVG as the review picture for an image the node cannot decode (GIF)', async () => {
		// A GIF header with the receipt's 48×64 size: the SVG embeds it, the PNG drawing cannot read it.
		const gif = Buffer.concat([
			Buffer.from('GIF89a', 'latin1'),
			Buffer.from([48, 0, 64, 0, 0, 0, 0]),
			Buffer.from('emulator-blurry'),
		]);
		const { needsReview, result } = await run(
			{ reviewRules: { minConfidence: 'med' }, options: { grounding: true } },
			await items({ data: gif, fileName: 'photo.gif', mimeType: 'image/gif' }),
		);
		const binary = needsReview[0].binary ?? {};
		expect(Object.keys(binary).filter((key) => key.startsWith('review'))).toEqual(['review']);
		expect(binary.review).toMatchObject({
			mimeType: 'image/svg+xml',
			fileName: 'photo-review.svg',
		});
		const svg = (await result.binaryData(needsReview[0], 'review')).toString('utf8');
		expect(svg).toContain('href="data:image/gif;base64,R0lGODlh');
		expect(svg.match(/<g class="flagged">/g)).toHaveLength(3);
	});

	it('reviews the finished jobs with Wait for Callback as with Wait for Result', async () => {
		// Jobs that finish while the files are submitted are shaped at once, by the callback shaper.
		env.emulator.configure({ jobMode: 'polls', pollsToComplete: 1 });
		const { result, confident, needsReview } = await run(
			{
				completion: 'waitForCallback',
				reviewRules: { minConfidence: 'med' },
				options: { grounding: true },
			},
			await items(scan('sharp.png'), scan('blurry.png', 'emulator-blurry')),
		);
		// The picture is drawn from the input image as n8n stored it, which webhook() can read too.
		expect(needsReview[0].binary?.review).toMatchObject({
			mimeType: 'image/png',
			fileName: 'blurry-review.png',
		});
		expect(readRgbPng(await result.binaryData(needsReview[0], 'review')).height).toBeGreaterThan(
			64,
		);
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'POST', path: '/image/generate' })).toHaveLength(2);
		expect(confident.map((item) => [item.pairedItem, review(item).needed])).toEqual([
			[{ item: 0 }, false],
		]);
		expect(needsReview.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(review(needsReview[0]).reasons.map((reason) => reason.field)).toEqual([
			'subtotal',
			'tax',
			'total',
		]);
	});

	it('draws the review picture when a callback resumes the execution', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const { result } = await run(
			{
				completion: 'waitForCallback',
				reviewRules: { minConfidence: 'med' },
				options: { grounding: true },
			},
			await items(scan('blurry-receipt.png', 'emulator-blurry')),
		);
		expect(result.status).toBe('waiting');
		// While it waits, the waiting item is shown on Needs Review: nobody has checked it yet.
		expect(result.outputs('VLM Run', { output: 1 })).toHaveLength(1);
		const [id] = waitingJobs(result);
		await env.emulator.advanceJob(id, 'completed');
		const delivery = env.emulator.webhookDeliveries().find((sent) => sent.jobId === id);
		const answer = await resumeWaiting(result, {
			nodeTypes: [VlmRunRequest],
			credentials: env.credentials(),
			body: String(delivery?.body),
		});
		const [confident, needsReview] = answer.response.workflowData ?? [];
		expect(confident).toEqual([]);
		expect(review(needsReview[0]).reasons.map((reason) => reason.field)).toEqual([
			'subtotal',
			'tax',
			'total',
		]);
		expect(needsReview[0].binary?.review).toMatchObject({
			mimeType: 'image/png',
			fileName: 'blurry-receipt-review.png',
		});
		const picture = readRgbPng(await readBinary(needsReview[0], 'review'));
		expect(picture.width).toBeGreaterThan(48 + 11 * 6 * 2);
		// The image is drawn at the top left: its corner pixel is the input's, not the background.
		const input = readRgbPng(fixture('receipt.png').data as Buffer);
		expect(pixel(picture, 0, 0)).toEqual(pixel(input, 0, 0));
	});

	it('sends failed files to Needs Review with continue on fail', async () => {
		const { confident, needsReview } = await run(
			{
				inputSource: 'url',
				urls: 'https://files.example/ok.pdf https://files.example/emulator-fail.pdf',
				reviewRules: { minConfidence: 'med' },
			},
			[{ json: {} }],
			{ onError: 'continueRegularOutput' },
		);
		expect(confident).toHaveLength(1);
		expect(needsReview).toHaveLength(1);
		expect(needsReview[0].json.error).toEqual(
			expect.stringContaining('VLM Run could not finish prediction'),
		);
	});
});
