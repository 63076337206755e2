import { timingSafeEqual } from 'node:crypto';

import { HttpError, sendBytes } from '../http';
import { ByteSink } from '../multipart';
import type { Router } from '../router';
import { uploadSignature } from './files';

/*
 * Stand-ins for the cloud storage behind presigned URLs: no API key, and the PUT answers 200
 * with an empty body, as GCS does (both SDKs reject anything but 200).
 */

function signatureValid(expected: string, given: string | undefined): boolean {
	if (!given || given.length !== expected.length) return false;
	return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

export function registerStorage(router: Router): void {
	router
		.streaming(
			'PUT',
			'/__emulator/upload/:id',
			async ({ app, req, res, params, query, record }) => {
				const file = app.state.files.get(params.id);
				if (!file) throw new HttpError(404, 'Upload target not found');
				const expires = Number(query.expires);
				if (!signatureValid(uploadSignature(app.state, file.id, expires), query.sig)) {
					throw new HttpError(403, 'Invalid signature');
				}
				if (expires * 1000 < Date.now()) throw new HttpError(403, 'Request has expired');
				const sink = new ByteSink();
				for await (const chunk of req) sink.write(chunk as Buffer);
				const { bytes, md5, data } = sink.finish();
				record.rawBodyBytes = bytes;
				if (!file.uploaded) app.state.counters.uploads += 1;
				Object.assign(file, { bytes, md5, data, uploaded: true });
				res.writeHead(200, { ETag: `"${md5}"`, 'Content-Length': '0' });
				res.end();
				return undefined;
			},
		)
		.get('/__emulator/blob/:id', ({ app, res, params }) => {
			const blob = app.state.blobs.get(params.id);
			if (blob) {
				sendBytes(res, blob.contentType, blob.data);
				return undefined;
			}
			const file = app.state.uploadedFile(params.id);
			if (!file) throw new HttpError(404, 'Blob not found');
			if (!file.data)
				throw new HttpError(
					410,
					'Content not retained: uploads over 64 MiB keep only size and md5',
				);
			sendBytes(res, file.contentType, file.data);
			return undefined;
		});
}
