import { TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { PARTITIONS, checkAccountId, checkOneOf, checkRegion } from "./validation";

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

/** One set of data sources per stack and provider, however many constructs ask. */
class EnvironmentDataSources extends Construct {
  private regionSource?: DataAwsRegion;
  private identitySource?: DataAwsCallerIdentity;
  private partitionSource?: DataAwsPartition;

  constructor(scope: Construct, id: string, private readonly provider?: TerraformProvider) {
    super(scope, id);
  }

  get region(): DataAwsRegion {
    return (this.regionSource ??= new DataAwsRegion(this, "region", { provider: this.provider }));
  }
  get identity(): DataAwsCallerIdentity {
    return (this.identitySource ??= new DataAwsCallerIdentity(this, "identity", { provider: this.provider }));
  }
  get partition(): DataAwsPartition {
    return (this.partitionSource ??= new DataAwsPartition(this, "partition", { provider: this.provider }));
  }
}

function dataSourcesFor(scope: Construct, provider?: TerraformProvider): EnvironmentDataSources {
  const stack = TerraformStack.of(scope);
  const id = provider ? `AwsEnvironment-${provider.node.id}` : "AwsEnvironment";
  return (stack.node.tryFindChild(id) as EnvironmentDataSources | undefined) ?? new EnvironmentDataSources(stack, id, provider);
}

export function dnsSuffixOf(partition: string): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** Checks the given fields and fills the missing ones from data sources. */
export function resolveAwsEnvironment(scope: Construct, constructName: string, props: AwsEnvironmentProps): AwsEnvironment {
  if (props.region !== undefined) checkRegion(constructName, "region", props.region);
  if (props.accountId !== undefined) checkAccountId(constructName, "accountId", props.accountId);
  if (props.partition !== undefined) checkOneOf(constructName, "partition", props.partition, PARTITIONS);
  const sources = () => dataSourcesFor(scope, props.provider);
  const partition = props.partition ?? sources().partition.partition;
  return {
    region: props.region ?? sources().region.region,
    accountId: props.accountId ?? sources().identity.accountId,
    partition,
    dnsSuffix: props.partition !== undefined ? dnsSuffixOf(props.partition) : sources().partition.dnsSuffix,
    resourceRegion: props.region,
    provider: props.provider,
  };
}

/** `<host>.<region>.<dnsSuffix>`, the value of `kms:ViaService` for a service. */
export function serviceEndpoint(host: string, env: Pick<AwsEnvironment, "region" | "dnsSuffix">): string {
  return `${host}.${env.region}.${env.dnsSuffix}`;
}
