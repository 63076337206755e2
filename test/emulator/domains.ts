/*
 * Seed domains (reference §2). Schemas are written in a compact shape notation and expanded to
 * JSON Schema, so each domain stays one readable entry.
 */

type Shape =
	| 'string'
	| 'number'
	| 'integer'
	| 'boolean'
	| 'date'
	| 'email'
	| Shape[]
	| { [key: string]: Shape };

export type JsonSchema = Record<string, unknown>;

function toSchema(shape: Shape): JsonSchema {
	if (Array.isArray(shape)) return { type: 'array', items: toSchema(shape[0]) };
	if (typeof shape === 'object') {
		const properties: Record<string, JsonSchema> = {};
		for (const [key, value] of Object.entries(shape)) properties[key] = toSchema(value);
		return { type: 'object', properties };
	}
	if (shape === 'date') return { type: 'string', format: 'date' };
	if (shape === 'email') return { type: 'string', format: 'email' };
	return { type: shape };
}

const address: Shape = { street: 'string', city: 'string', state: 'string', postal_code: 'string' };
const segments: Shape = [{ start_time: 'number', end_time: 'number', content: 'string' }];
const summary: Shape = { summary: 'string', topics: ['string'] };

const SHAPES: Record<string, Shape> = {
	'document.invoice': {
		invoice_id: 'string',
		invoice_issue_date: 'date',
		customer: 'string',
		customer_email: 'email',
		customer_phone: 'string',
		customer_billing_address: address,
		customer_shipping_address: address,
		items: [{ description: 'string', quantity: 'number', unit_price: 'number', total: 'number' }],
		subtotal: 'number',
		tax: 'number',
		total: 'number',
	},
	'document.receipt': {
		merchant_name: 'string',
		merchant_address: 'string',
		transaction_date: 'date',
		items: [{ description: 'string', quantity: 'number', price: 'number' }],
		subtotal: 'number',
		tax: 'number',
		total: 'number',
		payment_method: 'string',
	},
	'document.resume': {
		contact_info: { full_name: 'string', email: 'email', phone: 'string', location: 'string' },
		summary: 'string',
		work_experience: [{ company: 'string', title: 'string', start_date: 'date', end_date: 'date' }],
		education: [{ institution: 'string', degree: 'string', graduation_date: 'date' }],
		skills: ['string'],
	},
	'document.us-drivers-license': {
		issuing_state: 'string',
		license_number: 'string',
		full_name: 'string',
		address,
		date_of_birth: 'date',
		issue_date: 'date',
		expiration_date: 'date',
		sex: 'string',
		height: 'string',
		eye_color: 'string',
		license_class: 'string',
	},
	'document.utility-bill': {
		provider: 'string',
		account_number: 'string',
		billing_period: 'string',
		amount_due: 'number',
		due_date: 'date',
	},
	'document.bank-statement': {
		bank_name: 'string',
		account_number: 'string',
		statement_period: 'string',
		transactions: [{ date: 'date', description: 'string', amount: 'number' }],
		closing_balance: 'number',
	},
	'document.w2-form': {
		employee_name: 'string',
		employer_name: 'string',
		tax_year: 'integer',
		wages: 'number',
		federal_tax_withheld: 'number',
	},
	'document.us-passport': {
		full_name: 'string',
		passport_number: 'string',
		nationality: 'string',
		date_of_birth: 'date',
		expiration_date: 'date',
	},
	'document.markdown': { pages: [{ content: 'string', tables: ['string'], figures: ['string'] }] },
	'document.generative': {
		document_type: 'string',
		title: 'string',
		summary: 'string',
		key_values: [{ key: 'string', value: 'string' }],
	},
	'document.presentation': { title: 'string', slides: [{ title: 'string', content: 'string' }] },
	'document.layout-detection': {
		pages: [{ page: 'integer', blocks: [{ type: 'string', text: 'string' }] }],
	},
	'healthcare.patient-referral': {
		patient_name: 'string',
		referring_provider: 'string',
		reason: 'string',
		referral_date: 'date',
	},
	'healthcare.medical-insurance-card': {
		member_name: 'string',
		member_id: 'string',
		group_number: 'string',
		payer: 'string',
	},
	'image.caption': { caption: 'string', tags: ['string'] },
	'retail.ecommerce-product-caption': {
		title: 'string',
		description: 'string',
		category: 'string',
		attributes: ['string'],
	},
	'aerospace.remote-sensing': {
		description: 'string',
		objects: [{ label: 'string', count: 'integer' }],
	},
	'media.tv-news': { headline: 'string', description: 'string', people: ['string'] },
	'video.transcription': {
		metadata: { duration: 'number' },
		segments: [
			{
				start_time: 'number',
				end_time: 'number',
				audio: { content: 'string' },
				video: { content: 'string' },
			},
		],
	},
	'video.transcription-summary': { metadata: { duration: 'number' }, ...summary },
	'video.tv-news-summary': { headline: 'string', ...summary },
	'video.dashcam': { events: [{ timestamp: 'number', description: 'string' }] },
	'audio.transcription': { metadata: { duration: 'number' }, segments },
	'audio.transcription-summary': { metadata: { duration: 'number' }, ...summary },
};

export const DOMAIN_IDS = Object.keys(SHAPES);

/** Marker domain from reference §11: accepted by generate routes, always ends `failed`. */
export const FAIL_DOMAIN = 'emulator.fail';

export function domainSchema(domain: string): JsonSchema | undefined {
	const shape = SHAPES[domain];
	return shape === undefined ? undefined : toSchema(shape);
}

const ACRONYMS: Record<string, string> = { us: 'US', w2: 'W2', tv: 'TV' };

function domainName(domain: string): string {
	const slug = domain.split('.')[1] ?? domain;
	return slug
		.split('-')
		.map((word) => ACRONYMS[word] ?? word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

export function domainInfo(domain: string) {
	const [category] = domain.split('.');
	return {
		domain,
		name: domainName(domain),
		description: `${domainName(domain)} extraction (${category} domain, emulated).`,
	};
}

/** A GraphQL selection mirroring the schema, as the hub returns in `gql_stmt`. */
export function gqlFor(schema: JsonSchema): string {
	const select = (node: JsonSchema): string => {
		const target = node.type === 'array' ? (node.items as JsonSchema) : node;
		const props = target.properties as Record<string, JsonSchema> | undefined;
		if (!props) return '';
		return ` { ${Object.entries(props)
			.map(([key, child]) => key + select(child))
			.join(' ')} }`;
	};
	return `query${select(schema)}`;
}
