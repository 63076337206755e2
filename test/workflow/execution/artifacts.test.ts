import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { readBinary } from '../harness';
import { refuseArtifactDownloads, useEmulator } from '../vlmrun';
import { run, runParams, vlmrunOf } from './execution';

const env = useEmulator();
jest.setTimeout(30_000);

const EVERY_KIND =
	'Make an image, a video, an audio clip, a document, a 3d reconstruction and a link.';

const EXPECTED: Record<string, { mimeType: string; extension: string; magic: Buffer }> = {
	img: { mimeType: 'image/png', extension: 'png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
	vid: { mimeType: 'video/mp4', extension: 'mp4', magic: Buffer.from('ftyp') },
	aud: { mimeType: 'audio/mpeg', extension: 'mp3', magic: Buffer.from('ID3') },
	doc: { mimeType: 'application/pdf', extension: 'pdf', magic: Buffer.from('%PDF') },
	recon: {
		mimeType: 'application/octet-stream',
		extension: 'spz',
		magic: Buffer.from([0x1f, 0x8b]),
	},
	// A url_ artifact is a link; the node downloads what it points at (a PNG in the emulator).
	url: { mimeType: 'image/png', extension: 'png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
};

function refsOf(item: INodeExecutionData): Record<string, string> {
	const artifacts = item.json.artifacts as Record<string, { id: string }>;
	return Object.fromEntries(Object.values(artifacts).map(({ id }) => [id.split('_')[0], id]));
}

describe('Execution → Run: artifacts', () => {
	it('downloads every artifact prefix into a binary named after its ref, with MIME type and file name', async () => {
		const result = await run(
			env.credentials(),
			runParams({ prompt: EVERY_KIND, binarySelection: 'none' }),
		);
		expect(result.status).toBe('success');
		const [item] = result.items;
		const refs = refsOf(item);
		expect(Object.keys(refs).sort()).toEqual(Object.keys(EXPECTED).sort());
		const executionId = String(vlmrunOf(item).executionId);

		for (const [prefix, expected] of Object.entries(EXPECTED)) {
			const ref = refs[prefix];
			const binary = item.binary?.[ref];
			expect({ ref, mimeType: binary?.mimeType, fileName: binary?.fileName }).toEqual({
				ref,
				mimeType: expected.mimeType,
				fileName: `${ref}.${expected.extension}`,
			});
			const bytes = await readBinary(item, ref);
			const offset = prefix === 'vid' ? 4 : 0;
			expect(bytes.subarray(offset, offset + expected.magic.length)).toEqual(expected.magic);
		}

		const downloads = env.emulator.requests({ method: 'GET', path: '/artifacts' });
		expect(
			downloads
				.map((request) => request.query)
				.sort((a, b) => a.object_id.localeCompare(b.object_id)),
		).toEqual(
			Object.values(refs)
				.sort()
				.map((ref) => ({ object_id: ref, execution_id: executionId })),
		);
		expect(vlmrunOf(item).artifacts).toEqual(
			expect.arrayContaining([
				{
					ref: refs.img,
					downloaded: true,
					binaryProperty: refs.img,
					fileName: `${refs.img}.png`,
					mimeType: 'image/png',
				},
			]),
		);
	});

	it('with Download Artifacts off, keeps only the refs', async () => {
		const result = await run(
			env.credentials(),
			runParams({
				prompt: 'Draw an image.',
				binarySelection: 'none',
				options: { downloadArtifacts: false },
			}),
		);
		const [item] = result.items;
		expect(item.binary).toBeUndefined();
		expect(env.emulator.requests({ method: 'GET', path: '/artifacts' })).toHaveLength(0);
		expect(vlmrunOf(item).artifacts).toEqual([
			{
				ref: refsOf(item).img,
				downloaded: false,
				binaryProperty: null,
				fileName: null,
				mimeType: null,
			},
		]);
	});

	it('a download VLM Run refuses after the execution completed keeps the result and names the execution', async () => {
		refuseArtifactDownloads(env.emulator);
		const result = await run(
			env.credentials(),
			runParams({ prompt: 'Draw an image.', binarySelection: 'none' }),
		);
		expect(result.status).toBe('success');
		const [item] = result.items;
		const vlmrun = vlmrunOf(item);
		const executionId = String(vlmrun.executionId);
		const ref = refsOf(item).img;
		// The charged result is on the item; only the file is missing, with VLM Run's reason.
		expect(vlmrun.status).toBe('completed');
		expect(item.json.artifacts).toBeDefined();
		expect(item.binary).toBeUndefined();
		expect(vlmrun.artifacts).toEqual([
			{
				ref,
				downloaded: false,
				binaryProperty: null,
				fileName: null,
				mimeType: null,
				error: expect.stringContaining('VLM Run said: Artifact storage denied access'),
			},
		]);
		expect(vlmrun.artifactError).toBe(
			`Execution ${executionId} completed, but 1 of its artifacts could not be downloaded (${ref}); its result is kept. Get them later with Artifact → Get.`,
		);
		expect(env.emulator.requests({ method: 'GET', path: '/artifacts' })).toHaveLength(1);
	});

	it('Get Execution outputs the response and downloads its artifacts too', async () => {
		const submitted = await run(
			env.credentials(),
			runParams({ prompt: 'Render a video.', binarySelection: 'none', completion: 'submitOnly' }),
		);
		const id = String(submitted.items[0].json.id);
		const result = await run(env.credentials(), {
			resource: 'execution',
			operation: 'get',
			executionId: id,
			waitForCompletion: true,
			timeout: 20,
		});
		expect(result.status).toBe('success');
		const [item] = result.items;
		expect(vlmrunOf(item)).toMatchObject({ executionId: id, status: 'completed' });
		const ref = refsOf(item).vid;
		expect(item.binary?.[ref]).toMatchObject({ mimeType: 'video/mp4', fileName: `${ref}.mp4` });
	});
});

describe('Artifact → Get', () => {
	it('downloads one artifact of an execution into the chosen binary field', async () => {
		const produced = await run(
			env.credentials(),
			runParams({
				prompt: 'Write a document.',
				binarySelection: 'none',
				options: { downloadArtifacts: false },
			}),
		);
		const executionId = String(vlmrunOf(produced.items[0]).executionId);
		const ref = refsOf(produced.items[0]).doc;
		const result = await run(env.credentials(), {
			resource: 'artifact',
			operation: 'get',
			objectId: ref,
			executionId,
			binaryPropertyOutput: 'report',
		});
		expect(result.status).toBe('success');
		const [item] = result.items;
		expect(item.json).toMatchObject({
			objectId: ref,
			executionId,
			mimeType: 'application/pdf',
			fileName: `${ref}.pdf`,
		});
		expect((await readBinary(item, 'report')).subarray(0, 4).toString()).toBe('%PDF');
	});

	it('downloads an artifact of a chat session', async () => {
		const response = await fetch(`${env.emulator.baseUrl}/openai/chat/completions`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${env.emulator.apiKey}`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({
				model: 'vlmrun-orion-1:auto',
				messages: [{ role: 'user', content: 'generate an image of a cat' }],
			}),
		});
		const chat = (await response.json()) as IDataObject;
		const content = String(((chat.choices as IDataObject[])[0].message as IDataObject).content);
		const ref = /img_\w{6}/.exec(content)?.[0] as string;
		env.emulator.clearRequests();
		const result = await run(env.credentials(), {
			resource: 'artifact',
			operation: 'get',
			objectId: ref,
			artifactSource: 'session',
			sessionId: String(chat.session_id),
		});
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'GET', path: '/artifacts' })[0].query).toEqual({
			object_id: ref,
			session_id: chat.session_id,
		});
		expect(result.items[0].binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: `${ref}.png`,
		});
	});

	it('an unknown artifact fails with a not-found error', async () => {
		const result = await run(env.credentials(), {
			resource: 'artifact',
			operation: 'get',
			objectId: 'img_000000',
			executionId: 'no-such-execution',
		});
		expect(result.status).toBe('error');
		expect(result.nodeError('VLM Run')?.message).toBe(
			'The artifact "img_000000" was not found on VLM Run',
		);
		// The download answered with bytes; VLM Run's detail is still read from them.
		expect(result.nodeError('VLM Run')?.description).toMatch(/VLM Run said: \w+/);
	});
});
