// Opening an API file on the phone: images in the image viewer, documents in WeChat's reader.
const { download, ApiError } = require('./api');
const { showError } = require('./feedback');

const DOCUMENT_TYPES = ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pdf'];
const UNSUPPORTED_MESSAGE = '暂不支持打开该类型的文件';

// A downloaded temp file may not carry the original extension, and openDocument picks its
// reader by type: take the type from the file's name.
function documentType(name) {
  const extension = String(name || '').split('.').pop().toLowerCase();
  return DOCUMENT_TYPES.includes(extension) ? extension : null;
}

function openDocument(filePath, name) {
  const fileType = documentType(name);
  return new Promise((resolve, reject) => {
    wx.openDocument({
      filePath,
      ...(fileType ? { fileType } : {}),
      showMenu: true,
      success: resolve,
      fail: () => reject(new ApiError({ code: 'unsupported_file', message: UNSUPPORTED_MESSAGE })),
    });
  });
}

/** Downloads an attachment ({url, name, content_type}) and shows it; rejects with ApiError. */
async function openFile({ url, name, content_type: contentType }) {
  const filePath = await download({ path: url });
  if (String(contentType).startsWith('image/')) {
    wx.previewImage({ urls: [filePath], current: filePath });
  } else {
    await openDocument(filePath, name);
  }
}

/** openFile for a tap on a page: a loading toast while it downloads, a failure in the page's toast. */
async function openFileFor(page, file) {
  wx.showLoading({ title: '正在打开…' });
  try {
    await openFile(file);
  } catch (err) {
    showError(page, err);
  } finally {
    wx.hideLoading();
  }
}

module.exports = { openFile, openFileFor, UNSUPPORTED_MESSAGE };
