/** Recorded in every trace so a saved run says which engine produced it. */
export const ENGINE_VERSION = '0.1.0';
