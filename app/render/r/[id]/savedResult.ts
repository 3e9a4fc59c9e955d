import { cache } from 'react';
import { getResult } from '@/app/api/results/resultStore';

/** One database read per request, shared by the page and its metadata. */
export const savedResult = cache(getResult);
