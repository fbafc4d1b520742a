// The reports' strings, registered when this feature's code loads (see web/app/i18n).
import { addStrings } from '../../../app/i18n';
import en from './en.json';
import zhCN from './zh-CN.json';

addStrings(en, zhCN);
