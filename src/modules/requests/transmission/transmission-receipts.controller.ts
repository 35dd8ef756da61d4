import { Controller, Get, Param, UseInterceptors } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../../common/http/error-envelope.dto';
import { uuidParam } from '../../../common/http/if-match';
import { AuditedRead } from '../../audit/audited-read';
import { CurrentPrincipal, RequirePermission } from '../../auth/decorators/access.decorators';
import type { Principal } from '../../auth/principal';
import { AccessDenialInterceptor } from '../access-denial.interceptor';
import { RequestsService } from '../requests.service';
import { TransmissionReceiptListDto } from './transmission-receipt.dto';
import { TransmissionReceipts } from './transmission-receipts.service';

/** The signed receipts of a request's transmissions, for both sides to keep and verify offline. */
@ApiTags('requests')
@UseInterceptors(AccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request, or not visible to the caller' })
@Controller('v1/requests')
export class TransmissionReceiptsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsService,
    private readonly receipts: TransmissionReceipts,
  ) {}

  @Get(':id/transmission-receipts')
  @AuditedRead({
    action: 'transmission_receipt.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: (list: TransmissionReceiptListDto) =>
      list.items.map((item) => String((item.receipt as { audit?: { entryId?: string } }).audit?.entryId)),
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({
    summary: 'The signed receipts of the request’s transmissions, newest first',
    description:
      'Each is signed with the portal key (GET /.well-known/mla-portal/keys) over its RFC 8785 canonical JSON, and verifies offline with `npm run evidence:verify -- transmission <file> --keys <keys.json>`.',
  })
  @ApiOkResponse({ type: TransmissionReceiptListDto })
  async list(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TransmissionReceiptListDto> {
    const manager = this.dataSource.manager;
    await this.requests.loadVisible(manager, principal, id);
    return { items: await this.receipts.of(manager, id) };
  }
}
