import { createHmac } from 'node:crypto';

import { HttpError, isoNow, missing, notFound } from '../http';
import { boundaryOf, parseMultipart } from '../multipart';
import { boolParam, enumError, paginate, type Query } from '../query';
import { created, ok, type Router } from '../router';
import { FILE_PURPOSES, PresignedSchema, validate } from '../schemas';
import { newId, type EmulatorState, type FileRecord } from '../state';

const CONTENT_TYPES: Record<string, string> = {
	pdf: 'application/pdf',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	bmp: 'image/bmp',
	tiff: 'image/tiff',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	avi: 'video/x-msvideo',
	mkv: 'video/x-matroska',
	webm: 'video/webm',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	m4a: 'audio/mp4',
	flac: 'audio/flac',
	ogg: 'audio/ogg',
	zip: 'application/zip',
	json: 'application/json',
	txt: 'text/plain',
	csv: 'text/csv',
};

export function guessContentType(filename: string): string {
	const ext = filename.split('.').pop()?.toLowerCase() ?? '';
	return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

export function uploadSignature(state: EmulatorState, id: string, expires: number): string {
	return createHmac('sha256', state.uploadSigningKey).update(`${id}:${expires}`).digest('hex');
}

function purposeOf(value: string | undefined, loc: string[]): string {
	if (value === undefined || value === '') return 'assistants';
	if (!(FILE_PURPOSES as readonly string[]).includes(value)) throw enumError(loc, FILE_PURPOSES);
	return value;
}

const wantsPublicUrl = (values: Query) => boolParam(values, 'generate_public_url', true);

export function registerFiles(router: Router): void {
	router
		.streaming('POST', '/files', async ({ app, req, query, record }) => {
			const boundary = boundaryOf(req.headers['content-type']);
			if (!boundary) throw missing(['body', 'file']);
			const form = await parseMultipart(req, boundary);
			record.rawBodyBytes = form.rawBytes;
			record.body = {
				fields: form.fields,
				files: form.files.map(({ field, filename, contentType, bytes, md5 }) => ({
					field,
					filename,
					contentType,
					bytes,
					md5,
				})),
			};
			const part = form.files.find((f) => f.field === 'file');
			if (!part) throw missing(['body', 'file']);
			const purposeLoc = query.purpose !== undefined ? ['query', 'purpose'] : ['body', 'purpose'];
			const purpose = purposeOf(query.purpose ?? form.fields.purpose, purposeLoc);
			const publicUrl = wantsPublicUrl({ ...form.fields, ...query });
			const filename = part.filename || 'upload';
			const file: FileRecord = {
				id: newId(),
				filename,
				bytes: part.bytes,
				purpose,
				createdAt: Date.now(),
				md5: part.md5,
				contentType:
					part.contentType === 'application/octet-stream'
						? guessContentType(filename)
						: part.contentType,
				data: part.data,
				uploaded: true,
				expiresAt: null,
			};
			app.state.files.set(file.id, file);
			app.state.counters.uploads += 1;
			return created(app.state.fileView(file, publicUrl));
		})
		.get('/files', ({ app, query }) => {
			const files = Array.from(app.state.files.values())
				.filter((f) => f.uploaded)
				.reverse();
			return ok(paginate(files, query).map((f) => app.state.fileView(f)));
		})
		.post('/files/presigned-url', ({ app, body }) => {
			const input = validate(PresignedSchema, body);
			const expiration = input.expiration ?? 86_400;
			const now = Date.now();
			const id = newId();
			const contentType = guessContentType(input.filename);
			app.state.files.set(id, {
				id,
				filename: input.filename,
				bytes: 0,
				purpose: input.purpose ?? 'assistants',
				createdAt: now,
				md5: '',
				contentType,
				data: null,
				uploaded: false,
				expiresAt: now + expiration * 1000,
			});
			const expires = Math.floor(now / 1000) + expiration;
			const sig = uploadSignature(app.state, id, expires);
			return ok({
				id,
				filename: input.filename,
				url: `${app.state.origin}/__emulator/upload/${id}?sig=${sig}&expires=${expires}`,
				content_type: contentType,
				upload_method: 'PUT',
				public_url: app.state.blobUrl(id),
				created_at: isoNow(now),
				expiration,
				method: 'PUT',
			});
		})
		.get('/files/hash/:md5', ({ app, params }) => {
			const md5 = params.md5.toLowerCase();
			const hit = Array.from(app.state.files.values())
				.reverse()
				.find((f) => f.uploaded && f.md5 === md5);
			if (hit) return ok(app.state.fileView(hit));
			if (app.state.config.hashMissMode === '404') throw notFound('File');
			// Observed live behaviour (reference §3.5): a miss is a 200 with null fields.
			return ok({
				id: null,
				filename: null,
				bytes: 0,
				purpose: 'assistants',
				created_at: isoNow(),
				object: 'file',
				public_url: null,
			});
		})
		.get('/files/verify-upload/:id', ({ app, params }) => {
			const file = app.state.files.get(params.id);
			if (!file) throw notFound('File');
			if (!file.uploaded) throw new HttpError(404, 'Upload not completed yet');
			return ok(app.state.fileView(file));
		})
		.get('/files/:id', ({ app, params, query }) => {
			const file = app.state.uploadedFile(params.id);
			if (!file) throw notFound('File');
			return ok(app.state.fileView(file, wantsPublicUrl(query)));
		})
		.delete('/files/:id', ({ app, params }) => {
			const file = app.state.uploadedFile(params.id);
			if (!file) throw notFound('File');
			app.state.files.delete(file.id);
			return ok(app.state.fileView(file, false));
		});
}
