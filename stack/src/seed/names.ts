// The vocabulary of the demo tenant: people, companies, titles, sources.

export const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'David',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pablo',
  'Quinn',
  'Rosa',
  'Samir',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoe',
] as const;

export const LAST_NAMES = [
  'Andersen',
  'Brown',
  'Costa',
  'Dubois',
  'Eriksson',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Martin',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Ueda',
  'Varga',
  'Walker',
  'Yilmaz',
  'Zhang',
] as const;

export const JOB_TITLES = [
  'CEO',
  'CTO',
  'VP Sales',
  'Head of Marketing',
  'Marketing Manager',
  'Sales Manager',
  'Account Executive',
  'Customer Success Manager',
  'Operations Manager',
  'Engineer',
  'Product Manager',
  'Analyst',
  'Intern',
  'Founder',
] as const;

export const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'CA', 'BR', 'JP', 'IN', 'AU'] as const;

/** Where captures come from (weighted by repetition); 'visit' is anonymous tracking (a VISITOR). */
export const SOURCES = [
  'web_form',
  'web_form',
  'web_form',
  'landing_page',
  'landing_page',
  'webinar',
  'ads',
  'ads',
  'event',
  'referral',
  'partner',
  'visit',
] as const;

const INDUSTRIES = ['Software', 'Retail', 'Manufacturing', 'Finance', 'Healthcare', 'Education', 'Logistics', 'Media'] as const;
const PREFIXES = [
  'Acme',
  'Blue',
  'Cedar',
  'Delta',
  'Ember',
  'Fjord',
  'Granite',
  'Harbor',
  'Iris',
  'Juniper',
  'Kite',
  'Lumen',
  'Maple',
  'Nova',
  'Orbit',
];
const SUFFIXES = [
  'Labs',
  'Systems',
  'Group',
  'Works',
  'Retail',
  'Health',
  'Logistics',
  'Media',
  'Partners',
  'Industries',
  'Foods',
  'Energy',
  'Bank',
  'Studio',
  'Robotics',
  'Analytics',
  'Academy',
  'Motors',
  'Textiles',
  'Travel',
];

export interface CompanyProfile {
  name: string;
  domain: string;
  industry: string;
  size: number;
}

/** 300 companies, fixed (the same on every run). */
export const COMPANIES: readonly CompanyProfile[] = PREFIXES.flatMap((p, i) =>
  SUFFIXES.map((s, j) => ({
    name: `${p} ${s}`,
    domain: `${p}${s}.example`.toLowerCase(),
    industry: INDUSTRIES[(i * 7 + j * 3) % INDUSTRIES.length],
    size: [8, 25, 60, 150, 400, 1200, 5000][(i + j * 5) % 7],
  })),
);
