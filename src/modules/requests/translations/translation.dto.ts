import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../../common/validation/decorators';
import { PersonRefDto } from '../dto/request.dto';

export class AttachTranslationDto {
  @ApiProperty({ description: 'The request’s content in the target language', maxLength: 200_000 })
  @IsText(200_000)
  text: string;
}

export class TranslationDto {
  @ApiProperty({ example: 'fr' })
  language: string;

  @ApiProperty()
  text: string;

  @ApiProperty({ description: 'The content version it was made from' })
  sourceContentVersion: number;

  @ApiProperty({ description: 'The request was edited after it: it no longer opens the language gate' })
  stale: boolean;

  @ApiProperty({ type: PersonRefDto })
  attachedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  attachedAt: string;
}

export class TranslationListDto {
  @ApiProperty({ type: [String], example: ['fr', 'en'], description: 'What the requested state accepts' })
  acceptedLanguages: string[];

  @ApiProperty({ type: [TranslationDto] })
  items: TranslationDto[];
}
