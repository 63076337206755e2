// Browser checks: Debian's chromium (installed by test/e2e/system-deps.sh when missing), driven
// headless by playwright-core, against a real n8n 2.41.1 with the example workflows and the VLM
// Run emulator. It logs in to the editor, opens example 1 and the VLM Run Request node (the
// parameters render, the domain list is loaded from the emulator, the icon shows in the light and
// the dark theme), and sends a message with a file in the hosted chat of example 3, whose streamed
// answer must appear. Screenshots go to docs/screenshots/ (README uses them; override the folder
// with VLMRUN_SCREENSHOTS_DIR). Run through test/e2e/run.mjs.
//
// The hosted chat page loads its script (@n8n/chat) and normalize.css from cdn.jsdelivr.net. This
// machine is offline, so the browser is served the same files from their npm packages (fetched
// once with `npm pack` into the e2e cache); every other request off 127.0.0.1 is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ensureSystemDeps } from './dovecot.mjs';
import { WORKFLOWS, exampleUrls, startExamplesStack } from './examples.mjs';
import { OWNER, PACKAGE, REPO_ROOT } from './n8n.mjs';
import { cacheDir } from './provision.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
];
const SHOTS = process.env.VLMRUN_SCREENSHOTS_DIR || join(REPO_ROOT, 'docs', 'screenshots');
const REQUEST_NODE = 'Extract invoice fields';
const VIEWPORT = { width: 1440, height: 900 };

// The CDN files the hosted chat page asks for, from the npm packages they are published in.
// @n8n/chat 1.37.0 is the version the CDN served when n8n 2.41.1 came out (the page asks for latest).
const CDN_PACKAGES = [
	{
		spec: '@n8n/chat@1.37.0',
		dir: 'n8n-chat-1.37.0',
		prefix: /^\/npm\/@n8n\/chat(?:@[^/]+)?\/(.+)$/,
	},
	{
		spec: 'normalize.css@8.0.1',
		dir: 'normalize.css-8.0.1',
		prefix: /^\/npm\/normalize\.css(?:@[^/]+)?\/(.+)$/,
	},
];
const CONTENT_TYPES = {
	'.js': 'text/javascript',
	'.mjs': 'text/javascript',
	'.css': 'text/css',
	'.ico': 'image/x-icon',
	'.json': 'application/json',
};

/** Unpacks each CDN package once into <e2e cache>/cdn/<name-version>/package. */
function ensureCdnPackages() {
	const root = join(cacheDir(), 'cdn');
	for (const { spec, dir } of CDN_PACKAGES) {
		const target = join(root, dir);
		if (existsSync(join(target, 'package', 'package.json'))) continue;
		spawnSync('mkdir', ['-p', target]);
		const pack = spawnSync('npm', ['pack', spec, '--json', '--pack-destination', target], {
			encoding: 'utf8',
		});
		if (pack.status !== 0) throw new Error(`npm pack ${spec} failed: ${pack.stderr}`);
		const [{ filename }] = JSON.parse(pack.stdout);
		const untar = spawnSync('tar', ['-xzf', join(target, filename), '-C', target], {
			encoding: 'utf8',
		});
		if (untar.status !== 0) throw new Error(`unpacking ${filename} failed: ${untar.stderr}`);
	}
	return root;
}

/** Serves cdn.jsdelivr.net from the unpacked packages and refuses every other non-loopback request. */
async function routeOffline(context, cdnRoot, blocked) {
	await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, async (route) => {
		const url = new URL(route.request().url());
		if (url.hostname === 'cdn.jsdelivr.net') {
			for (const { dir, prefix } of CDN_PACKAGES) {
				const match = prefix.exec(url.pathname);
				if (!match) continue;
				// normalize.css ships unminified only; the page asks for normalize.min.css.
				const file = join(
					cdnRoot,
					dir,
					'package',
					match[1].replace(/^normalize\.min\.css$/, 'normalize.css'),
				);
				if (!existsSync(file)) break;
				return await route.fulfill({
					status: 200,
					body: await readFile(file),
					contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
					headers: { 'access-control-allow-origin': '*' },
				});
			}
		}
		blocked.push(url.href);
		return await route.abort('internetdisconnected');
	});
}

describe('browser', { timeout: 600_000 }, () => {
	let chromium;
	let browser;
	let context;
	let page;
	let emulator;
	let server;
	let stack;
	let urls;
	let cdnRoot;
	const blocked = [];

	before(async () => {
		ensureSystemDeps('chromium', 'dovecot');
		cdnRoot = ensureCdnPackages();
		({ chromium } = await import('playwright-core'));
		await mkdir(SHOTS, { recursive: true });
		stack = await startExamplesStack({ jobMode: 'time', jobDurationMs: 300 });
		({ emulator, server } = stack);
		const { nodes } = await server.nodeTypes();
		const hasTrigger = nodes.some((node) => node.name === `${PACKAGE.name}.vlmRunTrigger`);
		for (const [key, id] of Object.entries(WORKFLOWS)) {
			if (key.startsWith('async') && !hasTrigger) continue;
			await server.publishWorkflow(id);
		}
		urls = await exampleUrls();
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_FLAGS,
		});
		context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
		await routeOffline(context, cdnRoot, blocked);
		page = await context.newPage();
	});

	after(async () => {
		await browser?.close();
		await stack?.stop();
	});

	async function openWorkflow(id) {
		await page.goto(`${server.url}/workflow/${id}`);
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 30_000 });
		// The "Production Checklist" popover of published workflows covers the canvas; it opens a
		// moment after the canvas.
		const close = page.locator('[data-test-id="suggested-actions-close"]');
		await close
			.waitFor({ state: 'visible', timeout: 3000 })
			.then(async () => await close.click())
			.catch(() => {});
		await page.mouse.move(0, VIEWPORT.height / 2);
		await page.waitForTimeout(800); // the canvas fits the view with an animation
	}

	async function canvasIcon(nodeName) {
		const img = page
			.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"] img`)
			.first();
		await img.waitFor();
		await page.waitForFunction((element) => element.complete, await img.elementHandle());
		return await img.evaluate((element) => ({ src: element.src, width: element.naturalWidth }));
	}

	const shot = async (name, target = page) => await target.screenshot({ path: join(SHOTS, name) });

	test('logs in to the editor as the owner', async () => {
		await page.goto(`${server.url}/signin`);
		await page.fill('#emailOrLdapLoginId', OWNER.email);
		await page.fill('#password', OWNER.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
		assert.match(new URL(page.url()).pathname, /^\/home/);
	});

	test('example 1: the VLM Run Request node shows its icon, renders its parameters and lists the emulator’s domains', async () => {
		await openWorkflow(WORKFLOWS.invoiceInbox);
		const icon = await canvasIcon(REQUEST_NODE);
		assert.match(icon.src, /\/icons\/n8n-nodes-vlmrun\/dist\/nodes\/VlmRun\/vlmrun\.svg$/);
		assert.ok(icon.width > 0, 'the light icon loaded');
		await shot('example-1-invoice-inbox.png');

		await page.locator(`[data-test-id="canvas-node"][data-node-name="${REQUEST_NODE}"]`).dblclick();
		for (const name of [
			'resource',
			'operation',
			'inputSource',
			'binarySelection',
			'modality',
			'domain',
			'schemaSource',
			'completion',
		]) {
			await page.locator(`[data-test-id="parameter-input-${name}"]`).waitFor({ timeout: 15_000 });
		}

		emulator.clearRequests();
		await page.locator('[data-test-id="resource-locator-domain"] input').last().click();
		const listed = await (
			await fetch(`${emulator.baseUrl}/domains`, {
				headers: { authorization: `Bearer ${emulator.apiKey}` },
			})
		).json();
		const items = page.locator('[data-test-id="rlc-item"]');
		// The dropdown first shows the selected value, then the list once GET /domains has answered.
		await page.waitForFunction(
			(count) => document.querySelectorAll('[data-test-id="rlc-item"]').length >= count,
			Math.min(listed.length, 10),
			{ timeout: 15_000 },
		);
		const names = await items.allTextContents();
		assert.ok(
			names.map((name) => name.trim()).includes('Invoice (document.invoice)'),
			names.join(', '),
		);
		assert.ok(
			names.length >= Math.min(listed.length, 10),
			`${names.length} of the emulator's ${listed.length} domains listed`,
		);
		assert.equal(
			emulator.requests({ method: 'GET', path: '/domains' }).length >= 1,
			true,
			'the list came from GET /v1/domains',
		);
		await shot('vlmrun-request-domain-list.png');
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
	});

	test('the icons show in the dark theme too', async () => {
		await page.evaluate(() => localStorage.setItem('N8N_THEME', 'dark'));
		try {
			await openWorkflow(WORKFLOWS.invoiceInbox);
			assert.equal(await page.evaluate(() => document.body.getAttribute('data-theme')), 'dark');
			const icon = await canvasIcon(REQUEST_NODE);
			assert.match(icon.src, /\/vlmrun\.dark\.svg$/);
			assert.ok(icon.width > 0, 'the dark icon loaded');
			await page
				.locator(`[data-test-id="canvas-node"][data-node-name="${REQUEST_NODE}"]`)
				.dblclick();
			await page.locator('[data-test-id="parameter-input-domain"]').waitFor({ timeout: 15_000 });
			await shot('vlmrun-request-dark.png');
			await page.keyboard.press('Escape');
		} finally {
			await page.evaluate(() => localStorage.setItem('N8N_THEME', 'light'));
		}
	});

	test('the other examples open in the editor, with the VLM Run icons', async () => {
		const shots = [
			[WORKFLOWS.documentPackage, 'example-2-document-package.png', 'Check the package'],
			[WORKFLOWS.chatWithFiles, 'example-3-chat-with-files.png', 'VLM Run Chat'],
			[WORKFLOWS.asyncSubmit, 'example-4a-async-submit.png', 'Submit transcription'],
			[WORKFLOWS.asyncResults, 'example-4b-async-results.png', 'VLM Run Trigger'],
		];
		for (const [id, file, vlmNode] of shots) {
			await openWorkflow(id);
			const icon = await canvasIcon(vlmNode);
			assert.ok(
				icon.width > 0 && /vlmrun\.svg$/.test(icon.src),
				`${file}: the ${vlmNode} icon loaded`,
			);
			await shot(file);
		}
		const form = await context.newPage();
		try {
			await form.goto(`${server.url}${urls.documentPackageForm}`);
			await form.getByText('Check a document package').first().waitFor({ timeout: 15_000 });
			assert.equal(await form.locator('input[type="file"]').count(), 1);
			await shot('example-2-form.png', form);
		} finally {
			await form.close();
		}
	});

	test('example 3: the hosted chat sends a message with a file and the streamed answer appears', async () => {
		emulator.clearRequests();
		const chat = await context.newPage();
		try {
			await chat.setViewportSize({ width: 1100, height: 760 });
			await chat.goto(`${server.url}${urls.chat}`);
			const input = chat.locator('textarea[data-test-id="chat-input"]');
			await input.waitFor({ timeout: 30_000 });
			const chooser = chat.waitForEvent('filechooser');
			await chat.locator('[data-test-id="chat-attach-file-button"]').click();
			await (await chooser).setFiles(join(REPO_ROOT, 'test', 'fixtures', 'receipt.png'));
			await input.fill('What is the total on this receipt?');
			await chat.keyboard.press('Enter');
			const expected =
				'You said: "What is the total on this receipt?". Files: 1 (image_url). Turn 1 of this session.';
			await chat.getByText(expected).waitFor({ timeout: 30_000 });
			await shot('example-3-chat.png', chat);
			const [request] = emulator.requests({ method: 'POST', path: '/openai/chat/completions' });
			assert.equal(request.body.stream, true, 'the answer was streamed from VLM Run');
			assert.deepEqual(
				request.body.messages.at(-1).content.map((part) => part.type),
				['image_url', 'text'],
			);
		} finally {
			await chat.close();
		}
		assert.deepEqual(
			blocked
				.filter((url) => !/^https:\/\/(api\.n8n\.io|www\.n8n\.io|n8n\.io)\//.test(url))
				.filter((url) => url.includes('jsdelivr')),
			[],
			'every CDN file the chat page needs was served',
		);
	});
});
