import { domainSchema, gqlFor, type JsonSchema } from './domains';
import { synthesize } from './synth';
import { createHash } from 'node:crypto';

/* Canned, realistic outputs for the domains tests look at most; the rest are synthesised. */

const invoice = () => ({
	invoice_id: 'INV-2026-0042',
	invoice_issue_date: '2026-01-15',
	customer: 'Acme Corporation',
	customer_email: 'billing@acme.example',
	customer_phone: '+1-555-0142',
	customer_billing_address: {
		street: '1 Market St',
		city: 'San Francisco',
		state: 'CA',
		postal_code: '94105',
	},
	customer_shipping_address: {
		street: '500 Howard St',
		city: 'San Francisco',
		state: 'CA',
		postal_code: '94105',
	},
	items: [
		{ description: 'Document processing (pages)', quantity: 100, unit_price: 0.5, total: 50 },
		{ description: 'Support plan', quantity: 1, unit_price: 200, total: 200 },
	],
	subtotal: 250,
	tax: 21.88,
	total: 271.88,
});

const receipt = () => ({
	merchant_name: 'Blue Bottle Coffee',
	merchant_address: '66 Mint St, San Francisco, CA 94103',
	transaction_date: '2026-01-15',
	items: [
		{ description: 'Latte', quantity: 2, price: 5.5 },
		{ description: 'Croissant', quantity: 1, price: 4.25 },
	],
	subtotal: 15.25,
	tax: 1.33,
	total: 16.58,
	payment_method: 'VISA **** 4242',
});

const resume = () => ({
	contact_info: {
		full_name: 'Jane Doe',
		email: 'jane.doe@example.com',
		phone: '+1-555-0100',
		location: 'Austin, TX',
	},
	summary: 'Data engineer with 8 years of experience building document pipelines.',
	work_experience: [
		{
			company: 'Initech',
			title: 'Senior Data Engineer',
			start_date: '2021-03-01',
			end_date: '2026-01-01',
		},
		{ company: 'Globex', title: 'Data Engineer', start_date: '2018-01-01', end_date: '2021-02-28' },
	],
	education: [
		{
			institution: 'University of Texas',
			degree: 'B.S. Computer Science',
			graduation_date: '2017-05-20',
		},
	],
	skills: ['Python', 'SQL', 'TypeScript'],
});

const driversLicense = () => ({
	issuing_state: 'CA',
	license_number: 'D1234567',
	full_name: 'Jane Doe',
	address: { street: '742 Evergreen Ter', city: 'Sacramento', state: 'CA', postal_code: '95814' },
	date_of_birth: '1990-04-12',
	issue_date: '2022-04-12',
	expiration_date: '2027-04-12',
	sex: 'F',
	height: '5\'-07"',
	eye_color: 'BRN',
	license_class: 'C',
});

const markdown = (pages: number) => ({
	pages: Array.from({ length: pages }, (_, page) => ({
		content: `# Page ${page + 1}\n\nEmulated markdown content for page ${page + 1}.\n\n| Item | Qty |\n| --- | --- |\n| Widget | 2 |`,
		tables: [{ page, markdown: '| Item | Qty |\n| --- | --- |\n| Widget | 2 |' }],
		figures: [{ page, caption: `Figure on page ${page + 1}` }],
	})),
});

const caption = () => ({
	caption: 'A golden retriever catching a red frisbee in a sunny park.',
	tags: ['dog', 'frisbee', 'park', 'outdoor'],
});

const audio = () => ({
	metadata: { duration: 120.5 },
	segments: [
		{ start_time: 0.0, end_time: 5.2, content: 'Welcome to the quarterly earnings call.' },
		{ start_time: 5.2, end_time: 11.8, content: 'Revenue grew twelve percent year over year.' },
	],
});

const video = () => ({
	metadata: { duration: 95.0 },
	segments: [
		{
			start_time: 0.0,
			end_time: 8.0,
			audio: { content: 'Today we are reviewing the new product line.' },
			video: { content: 'A presenter stands next to a table with three devices.' },
		},
		{
			start_time: 8.0,
			end_time: 15.5,
			audio: { content: 'This one has the longest battery life.' },
			video: { content: 'Close-up of a device screen showing a battery icon.' },
		},
	],
});

const CANNED: Record<string, (pages: number) => unknown> = {
	'document.invoice': invoice,
	'document.receipt': receipt,
	'document.resume': resume,
	'document.us-drivers-license': driversLicense,
	'document.markdown': markdown,
	'image.caption': caption,
	'audio.transcription': audio,
	'video.transcription': video,
};

/** The `response` of a completed prediction for a seeded domain. */
export function domainOutput(domain: string, pages = 1): unknown {
	const canned = CANNED[domain];
	if (canned) return canned(Math.max(1, pages));
	const schema = domainSchema(domain);
	return schema ? synthesize(schema) : { result: `Emulated output for ${domain}` };
}

const schemaHash = (schema: JsonSchema) =>
	createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 8);

/** SchemaResponse (reference §2); the hub variant also carries `json_sample`. */
export function schemaResponse(domain: string, schema: JsonSchema, withSample: boolean) {
	const base = {
		domain,
		description: `JSON schema for ${domain} (emulated).`,
		schema_version: '1.0.0',
		schema_hash: schemaHash(schema),
		gql_stmt: gqlFor(schema),
		json_schema: schema,
	};
	return withSample ? { ...base, json_sample: domainOutput(domain) } : base;
}
