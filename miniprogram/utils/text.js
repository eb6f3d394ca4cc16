// Checks on typed text that every form makes before sending; the server checks again.

// The server counts code points, so an emoji is one character here too, not two UTF-16 units.
const charCount = (text) => Array.from(text || '').length;

/** True for no text or only whitespace. */
const isBlank = (text) => !text || !text.trim();

/** "<what>不能超过<max>个字" when text is longer than max characters; '' when it fits. */
const tooLong = (text, max, what) => (charCount(text) > max ? `${what}不能超过${max}个字` : '');

/** A required text's error: blankMessage when blank, else tooLong's; '' when fine. */
const requiredTextError = (text, max, blankMessage, what) => (isBlank(text) ? blankMessage : tooLong(text, max, what));

module.exports = { charCount, isBlank, tooLong, requiredTextError };
