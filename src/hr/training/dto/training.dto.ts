export class TrainingDto {
  id!: string;
  title!: string;
  cpfEligible!: boolean;
  createdAt!: Date;
  updatedAt!: Date;
}
