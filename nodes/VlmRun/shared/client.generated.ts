// Written by `gulp build` (gulpfile.js, clientVersion) from package.json; do not edit.
export const CLIENT_ID = 'n8n-nodes-vlmrun/0.1.0';
