// A published period in hand: its statement as PDF and .xlsx, and the chain check (verify) told
// in plain words against the hash posted in the estate's group when the period was published.
const { request } = require('./api');

const base = (estateId) => `/api/v1/estates/${estateId}/ledger`;

/** GET /verify: {ok, periods_checked, head_hash, broken: {period_id, label, reason}}. */
const verifyChain = (estateId) => request({ path: `${base(estateId)}/verify` });

/** The period's statement files, as utils/files.openFile takes them (the type comes from the name). */
function statementFiles(estateId, period) {
  const path = `${base(estateId)}/periods/${period.id}/statement`;
  const stem = `${period.label}账目公示`;
  return [
    { key: 'pdf', title: 'PDF 公示表', url: `${path}.pdf`, name: `${stem}.pdf`, content_type: 'application/pdf' },
    {
      key: 'xlsx',
      title: 'Excel 明细表',
      url: `${path}.xlsx`,
      name: `${stem}.xlsx`,
      content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
  ];
}

/**
 * The check's answer for this period, in plain words: {intact, title, detail, hash}.
 *
 * Verify walks the estate's chain from its first link and names the first broken one. A period
 * is as published when every link up to its own holds: a break in a later period (its number,
 * periods_checked, past this one's chain_seq) does not touch it. `hash` is the period's own
 * head hash: the one the group was sent when it was published.
 */
function chainCheckView(result, period) {
  const seq = period.chain_seq;
  const brokenSeq = result.ok ? null : result.periods_checked;
  const intact = brokenSeq === null || brokenSeq > seq;
  if (intact) {
    return {
      intact,
      title: `第 ${seq} 期账目与公示时一致`,
      detail: '账目重新计算的哈希与群内公示的哈希相同',
      hash: period.head_hash,
    };
  }
  const broken = result.broken || {};
  const where = brokenSeq === seq ? '本期' : `第 ${brokenSeq} 期（${broken.label}）`;
  return {
    intact,
    title: `第 ${seq} 期账目已被改动`,
    detail: `${where}：${broken.reason || '与公示时不一致'}`,
    hash: period.head_hash,
  };
}

module.exports = { verifyChain, statementFiles, chainCheckView };
