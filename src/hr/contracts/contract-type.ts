/** French employment contract types: open-ended, fixed-term, temp agency, apprenticeship, internship. */
export const CONTRACT_TYPES = ['CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE'] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];
