// Behavior of the period page's answers: a committee member or manager answers an owner's
// question in the open, once. The page lists questions in data.questions (each with can_answer)
// and reloads them with loadQuestions(1).
const { request } = require('./api');
const { showError, toast } = require('./feedback');
const { requiredTextError } = require('./text');

const ANSWER_MAX = 2000;

const answerQuestion = (estateId, questionId, body) =>
  request({ method: 'POST', path: `/api/v1/estates/${estateId}/ledger/questions/${questionId}/answer`, data: { body } });

module.exports = Behavior({
  data: { answeringId: null, answer: '', answerError: '', answerSending: false, answerMax: ANSWER_MAX },

  methods: {
    onStartAnswer(event) {
      this.setData({ answeringId: event.currentTarget.dataset.id, answer: '', answerError: '' });
    },

    onCancelAnswer() {
      this.setData({ answeringId: null });
    },

    onAnswer(event) {
      this.setData({ answer: event.detail, answerError: '' });
    },

    async onConfirmAnswer() {
      if (this.data.answerSending) return;
      const body = this.data.answer.trim();
      const error = requiredTextError(body, ANSWER_MAX, '请填写答复内容', '答复内容');
      this.setData({ answerError: error });
      if (error) return;
      this.setData({ answerSending: true });
      try {
        await answerQuestion(this.estateId, this.data.answeringId, body);
        this.setData({ answeringId: null, answer: '' });
        toast(this, '已公开答复');
        await this.loadQuestions(1);
      } catch (err) {
        if (err.fields && err.fields.body) this.setData({ answerError: err.fields.body });
        showError(this, err);
        // Answered meanwhile by someone else: show the answer that stands.
        if (err.status === 409) {
          this.setData({ answeringId: null });
          await this.loadQuestions(1);
        }
      } finally {
        this.setData({ answerSending: false });
      }
    },
  },
});
