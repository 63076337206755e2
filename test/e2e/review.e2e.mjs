// Review: example 5, "Invoice inbox with review", in a real n8n 2.41.1 against the VLM Run
// emulator, through its real triggers. An email with four invoice scans lands in the dovecot
// folder the Email Trigger watches; VLM Run Request's Review Rules send the two clean scans to the
// "Approved invoices" data table and the blurry and the smudged one to Needs Review, where each
// waits on a review form. Headless chromium (playwright-core) opens each form, checks the prefilled
// fields and the review picture, corrects the total and submits; the corrected rows land in the
// same table. The review picture, a PNG, shows in n8n's binary viewer (n8n's REST binary-data
// view) and in the browser; its SVG twin downloads and opens in the browser. The form and the
// picture are screenshotted for the README (docs/screenshots/, or VLMRUN_SCREENSHOTS_DIR).
// Run through test/e2e/run.mjs.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ensureSystemDeps } from './dovecot.mjs';
import { startExamplesStack } from './examples.mjs';
import { OWNER, REPO_ROOT } from './n8n.mjs';
import { pngSize, REVIEW_ATTACHMENTS, runInvoiceReview } from './review-example.mjs';

const SHOTS = process.env.VLMRUN_SCREENSHOTS_DIR || join(REPO_ROOT, 'docs', 'screenshots');
const FORM_VIEWPORT = { width: 900, height: 1300 };

describe('review', { timeout: 600_000 }, () => {
	let browser;
	let page;
	let emulator;
	let imap;
	let server;
	let stack;
	let emailExecution;

	before(async () => {
		ensureSystemDeps('chromium', 'dovecot');
		const { chromium } = await import('playwright-core');
		await mkdir(SHOTS, { recursive: true });
		stack = await startExamplesStack({ jobMode: 'time', jobDurationMs: 300 });
		({ emulator, imap, server } = stack);
		browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			headless: true,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
		});
		const context = await browser.newContext({ viewport: FORM_VIEWPORT, deviceScaleFactor: 1 });
		// Everything the pages need comes from n8n on 127.0.0.1.
		await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
		page = await context.newPage();
	});

	after(async () => {
		await browser?.close();
		await stack?.stop();
	});

	test('5. Invoice inbox with review: clean scans go to the table, doubtful ones through the review form', async () => {
		emulator.clearRequests();
		const seenForms = [];
		const result = await runInvoiceReview({
			server,
			imap,
			fillForm: async (url, held, round) => {
				await page.goto(url);
				await page.waitForSelector('#field-4', { timeout: 15_000 }).catch(async (error) => {
					const text = await page.locator('body').innerText();
					throw new Error(`the review form did not render: ${text.slice(0, 500)}`, {
						cause: error,
					});
				});
				const values = {
					invoiceId: await page.inputValue('#field-1'),
					customer: await page.inputValue('#field-2'),
					date: await page.inputValue('#field-3'),
					total: await page.inputValue('#field-4'),
				};
				const reasons = await page.locator('li').allInnerTexts();
				const picture = page.locator('img[alt="Where VLM Run read each field"]');
				await picture.scrollIntoViewIfNeeded();
				await page.waitForFunction(
					() => document.querySelector('img[alt="Where VLM Run read each field"]')?.complete,
				);
				const pictureWidth = await picture.evaluate((img) => img.naturalWidth);
				if (round === 0) {
					await page.screenshot({ path: join(SHOTS, 'review-form.png'), fullPage: true });
				}
				seenForms.push({ values, reasons, pictureWidth, held });
				// The reviewer reads the total off the picture and types it in.
				await page.fill('#field-4', '271.88');
				await Promise.all([
					page.waitForResponse(
						(response) =>
							response.request().method() === 'POST' && response.url().includes('/form-waiting/'),
						{ timeout: 30_000 },
					),
					page.click('button[type="submit"]'),
				]);
				return { values };
			},
		});

		emailExecution = result.execution.id;
		assert.deepEqual(
			result.confident.map((item) => item.vlmrun.fileName),
			REVIEW_ATTACHMENTS.filter((a) => !a.review).map((a) => a.fileName),
		);
		assert.deepEqual(
			result.needsReview.map((item) => item.vlmrun.fileName),
			REVIEW_ATTACHMENTS.filter((a) => a.review).map((a) => a.fileName),
		);
		const [blurry, smudged] = result.needsReview.map((item) => item.vlmrun.review.reasons);
		assert.deepEqual(
			blurry.map((reason) => [reason.field, reason.rule, reason.confidence]),
			[
				['subtotal', 'confidence', 'low'],
				['tax', 'confidence', 'low'],
				['total', 'confidence', 'low'],
			],
		);
		assert.deepEqual(
			smudged.map((reason) => [reason.field, reason.rule, reason.value]),
			[['subtotal', 'type', 'illegible']],
		);
		for (const item of result.confident) assert.deepEqual(item.vlmrun.review.reasons, []);

		// The forms came prefilled with what VLM Run read, listed the reasons and showed the picture.
		assert.equal(seenForms.length, 2);
		for (const [index, form] of seenForms.entries()) {
			assert.deepEqual(form.values, {
				invoiceId: 'INV-2026-0042',
				customer: 'Acme Corporation',
				date: '2026-01-15',
				total: '271.88',
			});
			assert.equal(form.reasons.length, [blurry, smudged][index].length);
			assert.ok(form.pictureWidth > 760, 'the review picture loaded: the scan and its legend');
		}
		assert.match(seenForms[0].reasons[0], /subtotal: VLM Run's confidence is low/);

		// One table: two approved rows, two reviewed rows with the corrected values.
		const byFile = Object.fromEntries(result.rows.map((row) => [row.source_file, row]));
		assert.deepEqual(
			REVIEW_ATTACHMENTS.map((a) => [a.fileName, byFile[a.fileName]?.status]),
			REVIEW_ATTACHMENTS.map((a) => [a.fileName, a.review ? 'approved after review' : 'approved']),
		);
		for (const attachment of REVIEW_ATTACHMENTS.filter((a) => a.review)) {
			const row = byFile[attachment.fileName];
			assert.equal(row.total, 271.88);
			assert.equal(row.invoice_id, 'INV-2026-0042');
			assert.equal(row.review_picture, '', 'the picture is dropped once reviewed');
			assert.match(row.review_reasons, /subtotal/);
		}
		const generates = emulator.requests({ method: 'POST', path: '/image/generate' });
		assert.equal(generates.length, 4);
		for (const call of generates)
			assert.deepEqual(
				[call.body.config.confidence, call.body.config.grounding],
				[true, true],
				'Minimum Confidence turned Confidence Scores on; the example asks for grounding',
			);
		assert.equal(
			emulator.requests({ method: 'POST', path: '/schema' }).length,
			1,
			"the domain's schema is fetched once for the four files",
		);
	});

	test('the review picture is a PNG that n8n’s binary viewer shows; its SVG twin opens in a browser', async () => {
		assert.ok(emailExecution, 'the example ran');
		const full = await server.api('GET', `/executions/${emailExecution}?includeData=true`);
		const item = full.data.resultData.runData['Extract and review'][0].data.main[1][0];
		const { review: binary, reviewSvg } = item.binary;
		assert.equal(binary.mimeType, 'image/png');
		assert.equal(binary.fileName, 'invoice-0042-blurry-review.png');
		assert.equal(reviewSvg.mimeType, 'image/svg+xml');

		await page.goto(`${server.url}/signin`);
		await page.fill('#emailOrLdapLoginId', OWNER.email);
		await page.fill('#password', OWNER.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
		const binaryUrl = (file, action) =>
			`${server.url}/rest/binary-data?${new URLSearchParams({ id: file.id, action, fileName: file.fileName, mimeType: file.mimeType })}`;
		// What the binary viewer asks n8n for: action=view, which n8n answers only for its viewable
		// MIME types (image/png is one, image/svg+xml is not).
		const viewed = await page.request.get(binaryUrl(binary, 'view'));
		assert.equal(viewed.status(), 200);
		assert.match(viewed.headers()['content-type'], /^image\/png/);
		const size = pngSize(Buffer.from(await viewed.body()));
		assert.ok(size && size.width > 760 && size.height === 984, 'the scan and its legend');

		// The picture in the browser, as n8n's viewer embeds it: an <img> of that URL.
		await page.setViewportSize({ width: 1300, height: 1000 });
		await page.setContent(
			`<body style="margin:0"><img id="review" src="${binaryUrl(binary, 'view')}"></body>`,
		);
		await page.waitForFunction(() => document.getElementById('review')?.complete);
		const shown = await page.evaluate(() => {
			const img = document.getElementById('review');
			return { width: img.naturalWidth, height: img.naturalHeight };
		});
		assert.deepEqual(shown, size);
		await page.screenshot({ path: join(SHOTS, 'review-picture.png') });

		// The SVG downloads from the viewer and opens in a browser: a box for each of the 11 fields.
		const downloaded = await page.request.get(binaryUrl(reviewSvg, 'download'));
		assert.equal(downloaded.status(), 200);
		assert.match(
			downloaded.headers()['content-disposition'],
			/^attachment; filename="invoice-0042-blurry-review.svg"/,
		);
		const file = join(await mkdtemp(join(tmpdir(), 'vlmrun-review-')), reviewSvg.fileName);
		await writeFile(file, await downloaded.text());
		await page.goto(`file://${file}`);
		const drawn = await page.evaluate(() => document.querySelectorAll('svg g rect').length);
		assert.equal(drawn, 11, 'a box for each of the 11 fields');
	});
});
