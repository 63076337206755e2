import { readBinary } from '../harness';
import { refuseArtifactDownloads } from '../vlmrun';
import { chatTriggerItem, useChat } from './chat';

const chat = useChat();
const SESSION = '8c2e4a6b-1d3f-4a5b-9c7d-0e2f4a6b8c1d';

describe('Artifacts', () => {
	it('downloads the image the answer refers to into a binary field named after its ref', async () => {
		const result = await chat.run({}, [chatTriggerItem('Generate an image of a cat', SESSION)]);

		const json = result.items[0].json;
		const ref = /img_[0-9a-f]{6}/.exec(String(json.text))?.[0] as string;
		expect(ref).toBeDefined();
		expect(json.artifacts).toEqual([
			{ ref, downloaded: true, binaryProperty: ref, fileName: `${ref}.png`, mimeType: 'image/png' },
		]);
		const [download] = chat.emulator.requests({ method: 'GET', path: '/artifacts' });
		expect(download.query).toEqual({ object_id: ref, session_id: SESSION });
		const binary = result.items[0].binary?.[ref];
		expect(binary).toMatchObject({ mimeType: 'image/png', fileName: `${ref}.png` });
		const bytes = await readBinary(result.items[0], ref);
		expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	});

	it('a download VLM Run refuses keeps the answer, with the reason per artifact and the session named', async () => {
		refuseArtifactDownloads(chat.emulator);
		const result = await chat.run({}, [chatTriggerItem('Generate an image of a cat', SESSION)]);

		expect(result.status).toBe('success');
		const json = result.items[0].json;
		const ref = /img_[0-9a-f]{6}/.exec(String(json.text))?.[0] as string;
		expect(json.artifacts).toEqual([
			{
				ref,
				downloaded: false,
				binaryProperty: null,
				fileName: null,
				mimeType: null,
				error: expect.stringContaining('VLM Run said: Artifact storage denied access'),
			},
		]);
		expect(json.artifactError).toBe(
			`Chat session ${SESSION} answered, but 1 of its artifacts could not be downloaded (${ref}); its result is kept. Get them later with Artifact → Get.`,
		);
		expect(result.items[0].binary).toBeUndefined();
	});

	it('only lists the refs when Download Artifacts is off', async () => {
		const result = await chat.run({ options: { downloadArtifacts: false } }, [
			chatTriggerItem('Generate an image', SESSION),
		]);

		const ref = /img_[0-9a-f]{6}/.exec(String(result.items[0].json.text))?.[0];
		expect(result.items[0].json.artifacts).toEqual([
			{ ref, downloaded: false, binaryProperty: null, fileName: null, mimeType: null },
		]);
		expect(result.items[0].binary).toBeUndefined();
		expect(chat.emulator.requests({ method: 'GET', path: '/artifacts' })).toHaveLength(0);
	});
});
