/**
 * The bilingual gazetteer: English and Simplified Chinese names and aliases of the countries,
 * agencies, organisations and people that the reports of this project talk about, each to one
 * canonical id, so that "美国人事管理局" and "Office of Personnel Management" are one entity.
 * Aliases in capitals (acronyms) match case-sensitively and as whole words; other English
 * aliases match case-insensitively as whole words; Chinese aliases match as substrings, the
 * longest first. `country` ties an agency or person to its country (used for denials: "China's
 * foreign ministry denied" is China denying). Add entries here; ids never change once used.
 */

export type GazetteerKind = 'country' | 'organisation' | 'person';

export interface GazetteerEntry {
  id: string;
  kind: GazetteerKind;
  en: readonly string[];
  zh: readonly string[];
  country?: string;
  /** A threat actor (group) rather than a victim or an authority. */
  actor?: boolean;
  /** A news outlet: it reports many stories, so it says little about which story a report tells. */
  press?: boolean;
}

export const GAZETTEER: readonly GazetteerEntry[] = [
  // Countries (with demonyms: "Chinese hackers" mention China)
  {
    id: 'country:us',
    kind: 'country',
    en: [
      'United States',
      'United States of America',
      'U.S.',
      'US',
      'USA',
      'America',
      'American',
      'Americans',
      'Washington',
    ],
    zh: ['美国', '美方', '华盛顿'],
  },
  {
    id: 'country:cn',
    kind: 'country',
    en: ['China', "People's Republic of China", 'PRC', 'Chinese', 'Beijing'],
    zh: ['中国', '中方', '中华人民共和国', '北京'],
  },
  {
    id: 'country:au',
    kind: 'country',
    en: ['Australia', 'Australian', 'Australians', 'Canberra'],
    zh: ['澳大利亚', '澳洲', '澳方', '堪培拉'],
  },
  {
    id: 'country:ru',
    kind: 'country',
    en: ['Russia', 'Russian Federation', 'Russian', 'Moscow'],
    zh: ['俄罗斯', '俄方', '莫斯科'],
  },
  {
    id: 'country:gb',
    kind: 'country',
    en: ['United Kingdom', 'UK', 'Britain', 'British'],
    zh: ['英国'],
  },
  { id: 'country:kp', kind: 'country', en: ['North Korea', 'North Korean', 'DPRK'], zh: ['朝鲜'] },
  { id: 'country:ir', kind: 'country', en: ['Iran', 'Iranian'], zh: ['伊朗'] },
  // United States agencies and bodies
  {
    id: 'org:us-opm',
    kind: 'organisation',
    country: 'country:us',
    en: [
      'Office of Personnel Management',
      'OPM',
      'U.S. Office of Personnel Management',
      'US Office of Personnel Management',
    ],
    zh: ['美国人事管理局', '人事管理局', '美国联邦人事管理局', '联邦人事管理局', '人事管理办公室'],
  },
  {
    id: 'org:us-fbi',
    kind: 'organisation',
    country: 'country:us',
    en: ['Federal Bureau of Investigation', 'FBI'],
    zh: ['美国联邦调查局', '联邦调查局'],
  },
  {
    id: 'org:us-doj',
    kind: 'organisation',
    country: 'country:us',
    en: [
      'Department of Justice',
      'Justice Department',
      'DOJ',
      'U.S. Department of Justice',
      'US Department of Justice',
    ],
    zh: ['美国司法部', '司法部'],
  },
  {
    id: 'org:us-dhs',
    kind: 'organisation',
    country: 'country:us',
    en: ['Department of Homeland Security', 'Homeland Security', 'DHS'],
    zh: ['美国国土安全部', '国土安全部'],
  },
  {
    id: 'org:us-cisa',
    kind: 'organisation',
    country: 'country:us',
    en: ['Cybersecurity and Infrastructure Security Agency', 'CISA'],
    zh: ['美国网络安全和基础设施安全局', '网络安全和基础设施安全局'],
  },
  {
    id: 'org:us-dnc',
    kind: 'organisation',
    country: 'country:us',
    en: ['Democratic National Committee', 'DNC'],
    zh: ['美国民主党全国委员会', '民主党全国委员会'],
  },
  {
    id: 'org:us-whitehouse',
    kind: 'organisation',
    country: 'country:us',
    en: ['White House'],
    zh: ['白宫'],
  },
  {
    id: 'org:us-state',
    kind: 'organisation',
    country: 'country:us',
    en: ['State Department', 'Department of State'],
    zh: ['美国国务院'],
  },
  // China
  {
    id: 'org:cn-mps',
    kind: 'organisation',
    country: 'country:cn',
    en: ['Ministry of Public Security', 'MPS', "China's Ministry of Public Security"],
    zh: ['中国公安部', '公安部'],
  },
  {
    id: 'org:cn-mfa',
    kind: 'organisation',
    country: 'country:cn',
    en: [
      'Chinese Foreign Ministry',
      "China's foreign ministry",
      'Chinese foreign ministry',
      'Ministry of Foreign Affairs of China',
      "China's Ministry of Foreign Affairs",
    ],
    zh: ['中国外交部', '外交部'],
  },
  {
    id: 'org:cn-xinhua',
    kind: 'organisation',
    press: true,
    country: 'country:cn',
    en: ['Xinhua', 'Xinhua News Agency'],
    zh: ['新华社', '新华通讯社', '新华网'],
  },
  {
    id: 'org:cn-cac',
    kind: 'organisation',
    country: 'country:cn',
    en: ['Cyberspace Administration of China', 'CAC'],
    zh: ['国家互联网信息办公室', '国家网信办', '网信办'],
  },
  {
    id: 'org:cn-embassy-au',
    kind: 'organisation',
    country: 'country:cn',
    en: ['Chinese embassy in Canberra', 'Chinese Embassy in Canberra'],
    zh: ['中国驻澳大利亚大使馆', '中国驻澳使馆'],
  },
  {
    id: 'org:cn-embassy-us',
    kind: 'organisation',
    country: 'country:cn',
    en: ['Chinese embassy in Washington', 'Chinese Embassy in Washington'],
    zh: ['中国驻美国大使馆', '中国驻美使馆'],
  },
  // Australia
  {
    id: 'org:au-bom',
    kind: 'organisation',
    country: 'country:au',
    en: ['Bureau of Meteorology', 'BoM', 'weather bureau'],
    zh: ['澳大利亚气象局', '气象局'],
  },
  {
    id: 'org:au-abc',
    kind: 'organisation',
    press: true,
    country: 'country:au',
    en: ['Australian Broadcasting Corporation', 'ABC'],
    zh: ['澳大利亚广播公司', '澳广'],
  },
  {
    id: 'org:au-asd',
    kind: 'organisation',
    country: 'country:au',
    en: ['Australian Signals Directorate', 'ASD'],
    zh: ['澳大利亚信号局', '澳大利亚信号理事会'],
  },
  {
    id: 'org:au-defence',
    kind: 'organisation',
    country: 'country:au',
    en: ['Department of Defence', 'Defence Department'],
    zh: ['澳大利亚国防部'],
  },
  // Press and vendors
  { id: 'org:reuters', kind: 'organisation', press: true, en: ['Reuters'], zh: ['路透社'] },
  {
    id: 'org:wapo',
    kind: 'organisation',
    press: true,
    en: ['Washington Post', 'The Washington Post'],
    zh: ['华盛顿邮报'],
  },
  { id: 'org:crowdstrike', kind: 'organisation', en: ['CrowdStrike'], zh: ['CrowdStrike', '众击'] },
  {
    id: 'org:apache',
    kind: 'organisation',
    en: ['Apache Software Foundation', 'Apache'],
    zh: ['Apache软件基金会', '阿帕奇'],
  },
  {
    id: 'org:alibaba-cloud',
    kind: 'organisation',
    country: 'country:cn',
    en: ['Alibaba Cloud'],
    zh: ['阿里云'],
  },
  {
    id: 'org:cncert',
    kind: 'organisation',
    country: 'country:cn',
    en: ['CNCERT', 'CNCERT/CC'],
    zh: ['国家互联网应急中心'],
  },
  // Threat actors
  {
    id: 'actor:apt28',
    kind: 'organisation',
    actor: true,
    country: 'country:ru',
    en: ['APT28', 'Fancy Bear'],
    zh: ['APT28', '奇幻熊'],
  },
  {
    id: 'actor:apt29',
    kind: 'organisation',
    actor: true,
    country: 'country:ru',
    en: ['APT29', 'Cozy Bear'],
    zh: ['APT29', '舒适熊'],
  },
  { id: 'actor:guccifer2', kind: 'person', actor: true, en: ['Guccifer 2.0'], zh: ['古奇弗2.0'] },
  // People
  {
    id: 'person:guo-shengkun',
    kind: 'person',
    country: 'country:cn',
    en: ['Guo Shengkun', 'Guo'],
    zh: ['郭声琨'],
  },
  {
    id: 'person:loretta-lynch',
    kind: 'person',
    country: 'country:us',
    en: ['Loretta Lynch', 'Lynch'],
    zh: ['林奇', '洛蕾塔·林奇'],
  },
  {
    id: 'person:jeh-johnson',
    kind: 'person',
    country: 'country:us',
    en: ['Jeh Johnson', 'Johnson'],
    zh: ['约翰逊', '杰·约翰逊'],
  },
  {
    id: 'person:meng-jianzhu',
    kind: 'person',
    country: 'country:cn',
    en: ['Meng Jianzhu'],
    zh: ['孟建柱'],
  },
  { id: 'person:hong-lei', kind: 'person', country: 'country:cn', en: ['Hong Lei'], zh: ['洪磊'] },
  {
    id: 'person:james-comey',
    kind: 'person',
    country: 'country:us',
    en: ['James Comey', 'Comey'],
    zh: ['科米', '詹姆斯·科米'],
  },
  {
    id: 'person:katherine-archuleta',
    kind: 'person',
    country: 'country:us',
    en: ['Katherine Archuleta', 'Archuleta'],
    zh: ['阿丘利塔', '凯瑟琳·阿丘利塔'],
  },
  {
    id: 'person:malcolm-turnbull',
    kind: 'person',
    country: 'country:au',
    en: ['Malcolm Turnbull', 'Turnbull'],
    zh: ['特恩布尔', '马尔科姆·特恩布尔'],
  },
  {
    id: 'person:xi-jinping',
    kind: 'person',
    country: 'country:cn',
    en: ['Xi Jinping'],
    zh: ['习近平'],
  },
  {
    id: 'person:barack-obama',
    kind: 'person',
    country: 'country:us',
    en: ['Barack Obama', 'Obama'],
    zh: ['奥巴马'],
  },
];
