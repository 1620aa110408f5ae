// Durable provisioning's store side: the ProvisioningStore port implementation, the transactional outbox and the
// credential store. The composition root (src/container.ts) builds the core runner on top of it.
export { enqueueGroupSync, enqueueUserSync } from './outbox.js';
export { createPrismaCredentialStore } from './credential-store.js';
export { PrismaProvisioningStore } from './prisma-provisioning-store.js';
