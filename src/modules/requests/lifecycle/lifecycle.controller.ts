import { Controller, Get, Param, ParseIntPipe, Query, UseInterceptors } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Permission } from '@mla/contracts';
import { AuditedRead, itemIds } from '../../audit/audited-read';
import { ErrorResponseDto } from '../../../common/http/error-envelope.dto';
import { uuidParam } from '../../../common/http/if-match';
import { CurrentPrincipal, RequirePermission } from '../../auth/decorators/access.decorators';
import type { Principal } from '../../auth/principal';
import { AccessDenialInterceptor } from '../access-denial.interceptor';
import { RequestsService } from '../requests.service';
import { ContentVersionNotFoundError } from '../requests.errors';
import {
  ContentDiffDto,
  ContentDiffQueryDto,
  ContentVersionDto,
  ContentVersionListDto,
} from './content-version.dto';
import { ConditionListDto } from './lifecycle.dto';
import { LifecycleRecords } from './lifecycle-records.service';

/** What both sides were sent, version by version, and the conditions offered on the request. */
@ApiTags('requests')
@UseInterceptors(AccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request, or not visible to the caller' })
@Controller('v1/requests')
export class LifecycleController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsService,
    private readonly records: LifecycleRecords,
  ) {}

  @Get(':id/versions')
  @AuditedRead({
    action: 'request_version.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: (list: ContentVersionListDto) => list.items.map((version) => version.contentVersion),
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({
    summary: 'The versions of the request sent to the requested side',
    description: 'One at transmission, and one more each time an approved clarification answer changed it.',
  })
  @ApiOkResponse({ type: ContentVersionListDto })
  async versions(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ContentVersionListDto> {
    const manager = this.dataSource.manager;
    await this.requests.loadVisible(manager, principal, id);
    return { items: await this.records.versions(manager, id) };
  }

  @Get(':id/versions/diff')
  @AuditedRead({
    action: 'request_version_diff.view',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    data: (_diff, query) => ({ from: Number(query.from), to: Number(query.to) }),
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({ summary: 'What changed between two sent versions, field by field' })
  @ApiOkResponse({ type: ContentDiffDto })
  async diff(
    @Param('id', uuidParam()) id: string,
    @Query() query: ContentDiffQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ContentDiffDto> {
    const manager = this.dataSource.manager;
    await this.requests.loadVisible(manager, principal, id);
    const changes = await this.records.diff(manager, id, query.from, query.to);
    if (!changes) throw new ContentVersionNotFoundError();
    return { from: query.from, to: query.to, changes };
  }

  @Get(':id/versions/:contentVersion')
  @AuditedRead({
    action: 'request_version.view',
    target: 'request_version',
    idParam: 'contentVersion',
    requestParam: 'id',
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({ summary: 'One sent version of the request, as it was sent' })
  @ApiOkResponse({ type: ContentVersionDto })
  async version(
    @Param('id', uuidParam()) id: string,
    @Param('contentVersion', ParseIntPipe) contentVersion: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ContentVersionDto> {
    const manager = this.dataSource.manager;
    await this.requests.loadVisible(manager, principal, id);
    // Beyond any version a request can have (and the integer column): simply not there.
    if (contentVersion < 1 || contentVersion > 1_000_000) throw new ContentVersionNotFoundError();
    const row = await this.records.version(manager, id, contentVersion);
    if (!row) throw new ContentVersionNotFoundError();
    const [summary] = (await this.records.versions(manager, id)).filter(
      (item) => item.contentVersion === contentVersion,
    );
    if (!summary) throw new ContentVersionNotFoundError();
    return { ...summary, content: { ...row.content } };
  }

  @Get(':id/conditions')
  @AuditedRead({
    action: 'request_condition.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: itemIds,
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({
    summary: 'Conditions on use offered on the request, and whether they were accepted',
    description: 'Accepted conditions bind the requesting side (UNCAC 46(26); BUD 28(3)).',
  })
  @ApiOkResponse({ type: ConditionListDto })
  async conditions(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConditionListDto> {
    const manager = this.dataSource.manager;
    await this.requests.loadVisible(manager, principal, id);
    return { items: await this.records.conditions(manager, id) };
  }
}
