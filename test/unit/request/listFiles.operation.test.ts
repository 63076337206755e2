import { operations } from '../../../nodes/VlmRun/request';
import { pagedListTests } from '../pagedList';

describe('File → Get Many', () => {
	pagedListTests({
		operations,
		parameters: { resource: 'file', operation: 'list' },
		path: '/files',
		position: 'skip',
	});
});
