import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ImagePullPolicy, renderContainer } from '../../src/core/container';
import { WorkloadSecurity } from '../../src/core/security';
import { Probe } from '../../src/core/probe';

const defaults = { name: 'main', security: WorkloadSecurity.RESTRICTED };
const scope = Testing.chart();

describe('renderContainer', () => {
  it('renders upstream field names with the restricted security context and a /tmp mount', () => {
    const c = renderContainer(scope, 'container', { image: 'registry.example.com/app:1.0.0', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080, name: 'http1' }], readinessProbe: Probe.tcp(8080) }, defaults);
    expect(c).toMatchObject({ name: 'main', image: 'registry.example.com/app:1.0.0', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080, name: 'http1', protocol: 'TCP' }] });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it('leaves imagePullPolicy unset unless asked', () => {
    expect(renderContainer(scope, 'container', { image: 'registry.example.com/app:1.0.0' }, defaults).imagePullPolicy).toBeUndefined();
  });

  it.each<[string, object, RegExp]>([
    ['an unknown pull policy', { imagePullPolicy: 'Sometimes' as ImagePullPolicy }, /container.imagePullPolicy must be one of Always, IfNotPresent, Never/],
    ['a port out of range', { ports: [{ containerPort: 70000 }] }, /container.ports\[0\].containerPort must be an integer between 1 and 65535/],
    ['a port name that is too long', { ports: [{ containerPort: 80, name: 'a-very-long-port-name' }] }, /must be at most 15 characters/],
  ])('refuses %s', (_what, extra, message) => {
    expect(() => renderContainer(scope, 'container', { image: 'registry.example.com/app:1.0.0', ...extra }, defaults)).toThrow(message);
  });
});
