import { tinyMp3, tinyMp4, tinyPdf, tinyPng, tinySpz } from '../binaries';
import { HttpError, invalid, missing, notFound, sendBytes } from '../http';
import type { Query } from '../query';
import { ok, type Router } from '../router';
import { hex, type Artifact, type EmulatorState } from '../state';

export type ArtifactKind = 'image' | 'video' | 'audio' | 'document' | 'reconstruction' | 'link';

interface KindInfo {
	prefix: string;
	filename: string;
	contentType: string;
	mentioned: RegExp;
	bytes: (state: EmulatorState) => Buffer;
}

/** Content-Types per ref prefix follow reference §5.7. */
const KINDS: Record<ArtifactKind, KindInfo> = {
	image: {
		prefix: 'img',
		filename: 'image.png',
		contentType: 'image/png',
		mentioned: /\bimages?\b/i,
		bytes: tinyPng,
	},
	video: {
		prefix: 'vid',
		filename: 'video.mp4',
		contentType: 'video/mp4',
		mentioned: /\bvideos?\b/i,
		bytes: tinyMp4,
	},
	audio: {
		prefix: 'aud',
		filename: 'audio.mp3',
		contentType: 'audio/mpeg',
		mentioned: /\baudio\b/i,
		bytes: tinyMp3,
	},
	document: {
		prefix: 'doc',
		filename: 'document.pdf',
		contentType: 'application/pdf',
		mentioned: /\bdocuments?\b/i,
		bytes: () => tinyPdf(),
	},
	reconstruction: {
		prefix: 'recon',
		filename: 'scene.spz',
		contentType: 'application/octet-stream',
		mentioned: /\breconstruction\b|\b3d\b/i,
		bytes: tinySpz,
	},
	link: {
		prefix: 'url',
		filename: 'link.txt',
		contentType: 'text/plain; charset=utf-8',
		mentioned: /\b(links?|urls?)\b/i,
		// A url_ artifact's body is a bare URL, which the SDKs then download: point it at a real blob.
		bytes: (state) => {
			const id = `link-${hex(12)}`;
			state.blobs.set(id, { contentType: 'image/png', data: tinyPng() });
			return Buffer.from(state.blobUrl(id), 'utf8');
		},
	},
};

export const kindsMentioned = (text: string): ArtifactKind[] =>
	(Object.keys(KINDS) as ArtifactKind[]).filter((kind) => KINDS[kind].mentioned.test(text));

export function mintArtifact(state: EmulatorState, kind: ArtifactKind): Artifact {
	const info = KINDS[kind];
	return {
		objectId: `${info.prefix}_${hex(6)}`,
		filename: info.filename,
		contentType: info.contentType,
		data: info.bytes(state),
	};
}

function namespaceOf(state: EmulatorState, query: Query): string {
	const session = query.session_id || undefined;
	const execution = query.execution_id || undefined;
	if (!session === !execution) {
		throw invalid(['query'], 'Exactly one of session_id or execution_id must be provided');
	}
	return (session ?? execution) as string;
}

function lookup(state: EmulatorState, namespace: string, objectId: string): Artifact {
	const bucket = state.artifacts.get(namespace);
	const artifact =
		bucket?.get(objectId) ??
		Array.from(bucket?.values() ?? []).find((a) => a.filename === objectId);
	if (!artifact) throw notFound('Artifact');
	return artifact;
}

export function registerArtifacts(router: Router): void {
	router
		.get('/artifacts', ({ app, res, query }) => {
			const objectId = query.object_id || query.filename;
			if (!objectId) throw missing(['query', 'object_id']);
			const artifact = lookup(app.state, namespaceOf(app.state, query), objectId);
			sendBytes(res, artifact.contentType, artifact.data);
			return undefined;
		})
		.get('/artifacts/list', ({ app, query }) => {
			const namespace = namespaceOf(app.state, query);
			const known = query.session_id
				? app.state.sessions.has(namespace)
				: app.jobs.get('execution', namespace) !== undefined;
			if (!known)
				throw new HttpError(404, query.session_id ? 'Session not found' : 'Execution not found');
			const items = Array.from(app.state.artifacts.get(namespace)?.values() ?? []).map((a) => ({
				object_id: a.objectId,
				filename: a.filename,
				source: 'store',
			}));
			return ok({ namespace_id: namespace, items });
		})
		.get('/artifacts/:sessionId/:objectId', ({ app, res, params }) => {
			const artifact = lookup(app.state, params.sessionId, params.objectId);
			sendBytes(res, artifact.contentType, artifact.data);
			return undefined;
		});
}
