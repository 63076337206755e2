import { operations } from '../../../nodes/VlmRun/execution';
import { pagedListTests } from '../pagedList';

describe('Execution → Get Many', () => {
	pagedListTests({
		operations,
		parameters: { resource: 'execution', operation: 'list' },
		path: '/agent/executions',
		position: 'skip',
	});
});
