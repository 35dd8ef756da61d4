import { Module } from '@nestjs/common';
import { OffenceCatalogue } from './offence-catalogue.service';
import { OffencesController } from './offences.controller';

@Module({
  controllers: [OffencesController],
  providers: [OffenceCatalogue],
  exports: [OffenceCatalogue],
})
export class OffencesModule {}
