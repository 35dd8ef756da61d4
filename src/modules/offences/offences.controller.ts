import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { RequirePermission } from '../auth/decorators/access.decorators';
import { OffenceCatalogueDto } from './dto/offence-catalogue.dto';
import { OffenceCatalogue } from './offence-catalogue.service';

// Reads are not recorded in the audit log: the offence catalogue is reference data, not case data
// (docs/audit.md, What is recorded).
@ApiTags('offences')
@Controller('v1/offence-catalogue')
export class OffencesController {
  constructor(private readonly catalogue: OffenceCatalogue) {}

  @Get()
  @RequirePermission(Permission.DirectoryRead)
  @ApiOperation({ summary: 'The offence catalogue (domain.md §12): the codes a request offence may carry' })
  @ApiOkResponse({ type: OffenceCatalogueDto })
  get(): OffenceCatalogueDto {
    return {
      version: this.catalogue.sources.offenceCatalogue.version,
      source: this.catalogue.source,
      offences: this.catalogue.entries.map((entry) => ({ ...entry })),
    };
  }
}
