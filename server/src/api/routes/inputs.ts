import { z } from 'zod';
import { LiveInputView } from '../../daemon/live-view.js';
import { route, type RouteDef } from '../route.js';

export function inputRoutes(liveInputs: () => LiveInputView[]): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/inputs/live',
      summary: 'Live inputs (a FIFO source): open or why not, buffer level, clock skew, underruns and overruns; empty for other sources',
      response: z.array(LiveInputView),
      handler: () => liveInputs(),
    }),
  ];
}
