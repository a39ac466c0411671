export * from './op';
export { HistoryError } from './error';
export { checkWellFormed } from './well-formed';
export { parseJsonl, formatJsonl, opFromJson, type ParsedHistory } from './jsonl';
export { parseEdnHistory, formatEdnHistory, type EdnLayout } from './edn-history';
export { parseJepsenLog, formatJepsenLog } from './jepsen-log';
export {
  detectFormat,
  readHistory,
  writeHistory,
  HISTORY_FORMATS,
  type HistoryFormat,
} from './format';
export * from './edn';
export { readEdn, type EdnForm } from './edn-read';
export { printEdn } from './edn-print';
export { forEachOperation } from './pairs';
