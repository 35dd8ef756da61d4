import { Controller, Get, Param, UseInterceptors } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { AuditedRead } from '../audit/audited-read';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { uuidParam } from '../../common/http/if-match';
import { CurrentPrincipal, RequirePermission } from '../auth/decorators/access.decorators';
import type { Principal } from '../auth/principal';
import { AccessDenialInterceptor } from './access-denial.interceptor';
import { DualCriminalityAssessmentDto } from './dto/dual-criminality.dto';
import { DualCriminalityService } from './dual-criminality.service';

@ApiTags('requests')
@UseInterceptors(AccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request, or not visible to the caller' })
@Controller('v1/requests')
export class DualCriminalityController {
  constructor(private readonly dualCriminality: DualCriminalityService) {}

  @Get(':id/dual-criminality')
  @AuditedRead({ action: 'dual_criminality.view', target: 'request', idParam: 'id', requestParam: 'id' })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({
    summary:
      'Advisory dual-criminality assessment per offence (domain.md §7.5) and the refusal grounds that apply; never refuses by itself',
  })
  @ApiOkResponse({ type: DualCriminalityAssessmentDto })
  assessment(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DualCriminalityAssessmentDto> {
    return this.dualCriminality.assessmentOf(principal, id);
  }
}
