import { TerraformProvider } from "cdktf";

/** Where the resources live. Every field may be given; what is not given is read with data sources. */
export interface AwsEnvironmentProps {
  /**
   * Region of the resources, used in `kms:ViaService` conditions. When given, it is also set as
   * each resource's `region` argument (AWS provider 6), so one stack can span regions.
   * @default the provider's region, read with the `aws_region` data source
   */
  readonly region?: string;
  /**
   * Account that owns the resources.
   * @default the caller's account, read with the `aws_caller_identity` data source
   */
  readonly accountId?: string;
  /**
   * AWS partition: "aws", "aws-cn" or "aws-us-gov".
   * @default read with the `aws_partition` data source
   */
  readonly partition?: string;
  /**
   * Provider for every resource and data source of the construct.
   * @default the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/** Where a construct's resources live, resolved: given values, or data source attributes. */
export interface AwsEnvironment {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  /** `amazonaws.com`, or `amazonaws.com.cn` in China: the tail of service endpoints. */
  readonly dnsSuffix: string;
  /** Only set when the region was given: the `region` argument for resources. */
  readonly resourceRegion?: string;
  readonly provider?: TerraformProvider;
}
