import { operations } from '../../../nodes/VlmRun/request';
import { pagedListTests } from '../pagedList';

describe('Prediction → Get Many', () => {
	pagedListTests({
		operations,
		parameters: { resource: 'prediction', operation: 'list' },
		path: '/predictions',
		position: 'skip',
	});
});
