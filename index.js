// The package entry point, copied into dist/ by gulp. n8n loads the node and credential through the
// "n8n" section of package.json; this lets other code require them directly too.
module.exports = {
	ViewComfy: require('./nodes/ViewComfy/ViewComfy.node').ViewComfy,
	ViewComfyApi: require('./credentials/ViewComfyApi.credentials').ViewComfyApi,
};
