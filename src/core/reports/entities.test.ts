import { describe, expect, it } from 'vitest';
import { extractEntities } from './entities.js';

const ids = (text: string, kind?: string) =>
  extractEntities(text)
    .filter((e) => !kind || e.kind === kind)
    .map((e) => e.id);

describe('extractEntities', () => {
  it('gives an English and a Chinese mention of one agency one id', () => {
    expect(ids('The Office of Personnel Management (OPM) was hacked.')).toEqual([
      'org:us-opm',
      'org:us-opm',
    ]);
    expect(ids('美国人事管理局遭黑客攻击，人事管理局称')).toEqual(['org:us-opm', 'org:us-opm']);
    expect(ids('中国公安部与美国司法部、FBI会谈', 'organisation')).toEqual([
      'org:cn-mps',
      'org:us-doj',
      'org:us-fbi',
    ]);
    expect(ids('新华社报道，澳大利亚气象局', 'organisation')).toEqual([
      'org:cn-xinhua',
      'org:au-bom',
    ]);
  });

  it.each<[string, string[]]>([
    [
      'The United States and China met; U.S. and Chinese officials agreed.',
      ['country:us', 'country:cn', 'country:us', 'country:cn'],
    ],
    ['美国和中国，澳大利亚', ['country:us', 'country:cn', 'country:au']],
    ['Washington Post reported from Beijing', ['country:cn']],
    ['ASIA is not US; china was lower-case', ['country:us', 'country:cn']],
  ])('countries in %s', (text, expected) => {
    expect(ids(text, 'country')).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['on December 1, 2015 and 14 June 2016', ['2015-12-01', '2016-06-14']],
    ['in June 2016, since 2014', ['2016-06', '2014']],
    ['2015年12月1日和2016年6月', ['2015-12-01', '2016-06']],
    ['ISO 2016-06-14, not 2016-13-40', ['2016-06-14']],
  ])('dates in %s', (text, expected) => {
    expect(ids(text, 'date')).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['20 million records', ['20000000 records']],
    ['2000万条记录', ['20000000 records']],
    [
      '21.5 million people and 5.6 million fingerprints',
      ['21500000 people', '5600000 fingerprints'],
    ],
    ['2150万人，560万枚指纹', ['21500000 people', '5600000 fingerprints']],
    ['$1.2 billion', ['1200000000 usd']],
    ['4,000 current and former employees', ['4000 people']],
    ['in 2015 the number 42 rose', []],
  ])('quantities in %s', (text, expected) => {
    expect(ids(text, 'quantity')).toEqual(expected);
  });

  it('finds people the gazetteer knows in both languages, and others with the NLP library', () => {
    expect(ids('Attorney General Loretta Lynch met 郭声琨.', 'person')).toEqual([
      'person:loretta-lynch',
      'person:guo-shengkun',
    ]);
    expect(ids('Katherine Archuleta resigned; Senator Mark Warner spoke.', 'person')).toEqual([
      'person:katherine-archuleta',
      'person:mark-warner',
    ]);
  });

  it('gives spans that cut the text exactly', () => {
    const text = '据新华社报道，美国人事管理局约2000万条记录被窃。FBI said so on June 4, 2015.';
    for (const e of extractEntities(text)) expect(text.slice(e.start, e.end)).toBe(e.text);
  });
});
