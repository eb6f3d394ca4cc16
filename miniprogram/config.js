// Where the Linli API lives. Point it at the deployed host before uploading.
module.exports = {
  apiBaseUrl: 'http://127.0.0.1:5000',
  requestTimeoutMs: 15000,
};
