import { operations } from '../../../nodes/VlmRun/execution';
import { pagedListTests } from '../pagedList';

describe('Skill → Get Many', () => {
	describe('Latest Versions Only (default)', () => {
		pagedListTests({
			operations,
			parameters: { resource: 'skill', operation: 'list' },
			path: '/skills',
			position: 'offset',
			query: { grouped: true },
		});
	});

	describe('every version', () => {
		pagedListTests({
			operations,
			parameters: { resource: 'skill', operation: 'list', latestOnly: false },
			path: '/skills',
			position: 'offset',
			query: { grouped: false },
		});
	});
});
