import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { PermissionMetadata, PublicMetadata } from '../../src/modules/auth/decorators/access.decorators';

export interface RouteAccess {
  /** `GET /v1/requests/:id` */
  route: string;
  /** `public`, a permission, or `UNDECLARED` (a bug the tests catch). */
  access: string;
}

/** Every route of every controller with the access it declares, read from the running app. */
export function routeTable(app: INestApplication): RouteAccess[] {
  const reflector = app.get(Reflector);
  const rows: RouteAccess[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (
          name === 'constructor' ||
          typeof handler !== 'function' ||
          !Reflect.hasMetadata(PATH_METADATA, handler)
        )
          continue;
        const path = String(Reflect.getMetadata(PATH_METADATA, handler));
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const targets = [handler, controller];
        const access = reflector.getAllAndOverride(PublicMetadata, targets)
          ? 'public'
          : (reflector.getAllAndOverride(PermissionMetadata, targets) ?? 'UNDECLARED');
        rows.push({
          route: `${method} /${[base, path].filter((part) => part && part !== '/').join('/')}`,
          access,
        });
      }
    }
  }
  return rows.sort((a, b) => a.route.localeCompare(b.route));
}
