import { CLIENT_ID } from '../../../nodes/VlmRun/shared/client.generated';
import packageJson from '../../../package.json';

describe('client id', () => {
	it('names the package and version of package.json (gulp build regenerates it)', () => {
		expect(CLIENT_ID).toBe(`${packageJson.name}/${packageJson.version}`);
	});
});
