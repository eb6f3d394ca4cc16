// A ticket's photos: uploading one, and fetching them to temp files, as they need the bearer
// token.
const { download, upload } = require('./api');

// A proxy in front of the API may refuse a big body itself, without the error envelope.
const PHOTO_TOO_LARGE_MESSAGE = '照片太大，请换一张或压缩后再试';

/**
 * Uploads one local photo to the estate; resolves to {id, url, thumb_url, width, height, size}.
 * onProgress receives 0–100. Rejects with ApiError (413 too large, 415 not a photo).
 */
async function uploadPhoto(estateId, filePath, onProgress) {
  try {
    return await upload({ path: `/api/v1/estates/${estateId}/ticket-photos`, filePath, name: 'file', onProgress });
  } catch (err) {
    if (err.code === 'http_413') err.message = PHOTO_TOO_LARGE_MESSAGE;
    throw err;
  }
}

// Downloaded photos by id and size, newest use last; a ticket page shows up to 9 photos and a
// few per event, so this holds a couple of pages' worth.
const PHOTO_CACHE_MAX = 60;
const photoCache = new Map();

const photoUrl = (photo, size) => {
  const url = size === 'thumb' ? photo.thumb_url : photo.url;
  return url || `/api/v1/ticket-photos/${photo.id}${size === 'thumb' ? '?size=thumb' : ''}`;
};

/** Resolves to a temp file path for a photo ({id, url, thumb_url}); size is "thumb" or "full". */
function photoPath(photo, size = 'thumb') {
  const key = `${photo.id}:${size}`;
  let path = photoCache.get(key);
  if (path) {
    photoCache.delete(key); // re-inserted below as the most recently used
  } else {
    path = download({ path: photoUrl(photo, size) });
    // A failure is not remembered: the next look tries again.
    path.catch(() => photoCache.get(key) === path && photoCache.delete(key));
  }
  photoCache.set(key, path);
  if (photoCache.size > PHOTO_CACHE_MAX) photoCache.delete(photoCache.keys().next().value);
  return path;
}

/** Resolves to {photo id: temp path} for those of photos that could be fetched. */
async function photoPaths(photos, size = 'thumb') {
  const paths = await Promise.all(photos.map((photo) => photoPath(photo, size).catch(() => '')));
  const found = {};
  photos.forEach((photo, index) => {
    if (paths[index]) found[photo.id] = paths[index];
  });
  return found;
}

/** Forgets the downloaded photos (their temp files may be gone). */
function forgetPhotos() {
  photoCache.clear();
}
module.exports = {
  uploadPhoto,
  photoPath,
  photoPaths,
  forgetPhotos,
};
