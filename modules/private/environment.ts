import { TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsEnvironment, AwsEnvironmentProps } from "../aws-environment";
import { PARTITIONS, checkAccountId, checkOneOf, checkRegion } from "../validation";

/** One set of data sources per stack and provider, however many constructs ask. */
class EnvironmentDataSources extends Construct {
  private regionSource?: DataAwsRegion;
  private identitySource?: DataAwsCallerIdentity;
  private partitionSource?: DataAwsPartition;

  constructor(
    scope: Construct,
    id: string,
    private readonly provider?: TerraformProvider,
  ) {
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

/** The environment props of a construct's props, as given: what a construct passes on to the constructs it makes. */
export function environmentProps(props: AwsEnvironmentProps): AwsEnvironmentProps {
  return { region: props.region, accountId: props.accountId, partition: props.partition, provider: props.provider };
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

/** The `kms:ViaService` values of a key's users: the service's endpoint, and the endpoints data keys may be used through (S3 and the service). */
export function keyEndpoints(serviceHost: string, env: AwsEnvironment): { serviceEndpoint: string; dataServiceEndpoints: string[] } {
  const service = serviceEndpoint(serviceHost, env);
  return { serviceEndpoint: service, dataServiceEndpoints: [serviceEndpoint("s3", env), service] };
}
