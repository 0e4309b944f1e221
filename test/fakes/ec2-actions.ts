import { createHash } from 'node:crypto';
import {
  decodeNextToken,
  type FakeInstance,
  type Filter,
  encodeNextToken,
  matchesAny,
  maxResults,
  page,
  parseFilters,
  parseList,
  QueryError,
  STATE_CODES,
} from './ec2-query.ts';

// DescribeTags and DescribeInstances: filters and paging as EC2 applies them, answered in the XML
// the SDK's ec2Query deserializer reads (namespace http://ec2.amazonaws.com/doc/2016-11-15/).

export const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** XML text: the five entities, and CR/LF/TAB as character references so parsers keep them. */
export function xmlText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#xD;')
    .replace(/\n/g, '&#xA;')
    .replace(/\t/g, '&#x9;');
}

const el = (name: string, value: string | number | undefined) =>
  value === undefined ? '' : `<${name}>${xmlText(String(value))}</${name}>`;

function response(action: string, requestId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NS}"><requestId>${requestId}</requestId>${body}</${action}Response>`;
}

export function errorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlText(code)}</Code><Message>${xmlText(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

function tagSet(tags: Record<string, string>): string {
  const items = Object.entries(tags).map(([k, v]) => `<item>${el('key', k)}${el('value', v)}</item>`);
  return items.length ? `<tagSet>${items.join('')}</tagSet>` : '';
}

function instanceFilter(f: Filter): (i: FakeInstance) => boolean {
  if (f.name.startsWith('tag:')) {
    const key = f.name.slice(4);
    return (i) => matchesAny(i.tags[key], f.values);
  }
  switch (f.name) {
    case 'tag-key':
      return (i) => Object.keys(i.tags).some((k) => matchesAny(k, f.values));
    case 'tag-value':
      return (i) => Object.values(i.tags).some((v) => matchesAny(v, f.values));
    case 'instance-state-name':
      return (i) => matchesAny(i.state, f.values);
    case 'instance-state-code':
      return (i) => matchesAny(String(STATE_CODES[i.state]), f.values);
    case 'instance-id':
      return (i) => matchesAny(i.instanceId, f.values);
    case 'private-ip-address':
      return (i) => matchesAny(i.privateIp, f.values);
    case 'availability-zone':
      return (i) => matchesAny(i.az, f.values);
    case 'subnet-id':
      return (i) => matchesAny(i.subnetId, f.values);
    case 'vpc-id':
      return (i) => matchesAny(i.vpcId, f.values);
    default:
      throw new QueryError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
  }
}

function reservationId(instanceId: string): string {
  return `r-${createHash('sha256').update(instanceId).digest('hex').slice(0, 17)}`;
}

export function describeInstances(params: URLSearchParams, all: FakeInstance[], cap: number, requestId: string): string {
  const ids = parseList(params, 'InstanceId');
  const size = maxResults(params, 5, 1000);
  if (ids.length && size !== undefined) {
    throw new QueryError(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  for (const id of ids) {
    if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id)) throw new QueryError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    if (!all.some((i) => i.instanceId === id)) throw new QueryError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
  }
  const filters = parseFilters(params).map(instanceFilter);
  const selected = all.filter((i) => (ids.length === 0 || ids.includes(i.instanceId)) && filters.every((f) => f(i)));
  const { items, next } = page(selected, decodeNextToken(params.get('NextToken'), 'DescribeInstances'), size, cap);
  const reservations = items.map(
    (i) =>
      `<item>${el('reservationId', reservationId(i.instanceId))}${el('ownerId', '123456789012')}<groupSet/><instancesSet><item>` +
      el('instanceId', i.instanceId) +
      el('imageId', i.imageId ?? 'ami-0a1b2c3d4e5f60718') +
      `<instanceState>${el('code', STATE_CODES[i.state])}${el('name', i.state)}</instanceState>` +
      el('privateDnsName', `ip-${i.privateIp.replaceAll('.', '-')}.compute.internal`) +
      el('instanceType', i.instanceType ?? 't4g.small') +
      `<placement>${el('availabilityZone', i.az ?? 'eu-west-1a')}${el('tenancy', 'default')}</placement>` +
      el('subnetId', i.subnetId) +
      el('vpcId', i.vpcId) +
      el('privateIpAddress', i.privateIp) +
      el('architecture', 'arm64') +
      tagSet(i.tags) +
      '</item></instancesSet></item>',
  );
  const body = `<reservationSet>${reservations.join('')}</reservationSet>${next === null ? '' : el('nextToken', encodeNextToken('DescribeInstances', next))}`;
  return response('DescribeInstances', requestId, body);
}

interface TagRow {
  resourceId: string;
  resourceType: string;
  key: string;
  value: string;
}

function tagFilter(f: Filter): (t: TagRow) => boolean {
  switch (f.name) {
    case 'resource-id':
      return (t) => matchesAny(t.resourceId, f.values);
    case 'resource-type':
      return (t) => matchesAny(t.resourceType, f.values);
    case 'key':
      return (t) => matchesAny(t.key, f.values);
    case 'value':
      return (t) => matchesAny(t.value, f.values);
    default:
      if (f.name.startsWith('tag:')) {
        const key = f.name.slice(4);
        return (t) => t.key === key && matchesAny(t.value, f.values);
      }
      throw new QueryError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
  }
}

export function describeTags(params: URLSearchParams, all: FakeInstance[], cap: number, requestId: string): string {
  const size = maxResults(params, 5, 1000);
  const rows: TagRow[] = all.flatMap((i) =>
    Object.entries(i.tags).map(([key, value]) => ({ resourceId: i.instanceId, resourceType: 'instance', key, value })),
  );
  const filters = parseFilters(params).map(tagFilter);
  const selected = rows.filter((r) => filters.every((f) => f(r)));
  const { items, next } = page(selected, decodeNextToken(params.get('NextToken'), 'DescribeTags'), size, cap);
  const set = items
    .map((t) => `<item>${el('resourceId', t.resourceId)}${el('resourceType', t.resourceType)}${el('key', t.key)}${el('value', t.value)}</item>`)
    .join('');
  const body = `<tagSet>${set}</tagSet>${next === null ? '' : el('nextToken', encodeNextToken('DescribeTags', next))}`;
  return response('DescribeTags', requestId, body);
}
