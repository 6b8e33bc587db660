// Puppeteer (pulled in by whatsapp-web.js) must never download its own browser: the registries are the
// only network we have. Debian's chromium (or CHROME_PATH) is the browser.
module.exports = {
  skipDownload: true,
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
};
