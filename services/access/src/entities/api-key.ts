import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 100 }) name: string;
  /** Unique across tenants: the look-up of a presented key. */
  @Column({ type: 'char', length: 10 }) prefix: string;
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  @Column({ name: 'secret_hash', type: 'char', length: 64, select: true }) secretHash: string;
  @Column({ type: 'text', array: true }) scopes: string[];
  @Column({ name: 'rate_limit_per_minute', type: 'int' }) rateLimitPerMinute: number;
  @Column({ name: 'created_by', type: 'varchar', length: 64 }) createdBy: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @Column({ name: 'last_used_at', type: 'timestamptz', precision: 3, nullable: true }) lastUsedAt: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', precision: 3, nullable: true }) revokedAt: Date | null;
}
