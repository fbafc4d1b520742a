import { request, periodSearch } from '../../app/client';
import type { PeriodQuery, RequestFigures } from '../../app/types';

export function getFigures(period: PeriodQuery): Promise<RequestFigures> {
  return request<RequestFigures>('GET', `/api/requests/figures${periodSearch(period)}`);
}

export function figuresCsvUrl(period: PeriodQuery): string {
  return `/api/requests/figures.csv${periodSearch(period)}`;
}
