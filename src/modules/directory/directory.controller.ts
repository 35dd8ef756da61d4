import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { RequirePermission } from '../auth/decorators/access.decorators';
import { DirectoryService } from './directory.service';
import { AgencyDto, AgencyQueryDto, StateDto } from './dto/directory.dto';

@ApiTags('directory')
@Controller('v1')
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @Get('states')
  @RequirePermission(Permission.DirectoryRead)
  @ApiOperation({ summary: 'States in the directory' })
  @ApiOkResponse({ type: [StateDto] })
  states(): Promise<StateDto[]> {
    return this.directory.listStates();
  }

  @Get('agencies')
  @RequirePermission(Permission.DirectoryRead)
  @ApiOperation({ summary: 'Agencies, optionally filtered by state and kind' })
  @ApiOkResponse({ type: [AgencyDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  agencies(@Query() query: AgencyQueryDto): Promise<AgencyDto[]> {
    return this.directory.listAgencies(query);
  }
}
