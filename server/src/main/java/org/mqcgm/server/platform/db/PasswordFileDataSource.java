package org.mqcgm.server.platform.db;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.mqcgm.server.platform.security.SecretFile;

/**
 * The pool's source of physical connections when the password is a file ({@code MQCGM_DB_PASSWORD_FILE}): each new
 * connection reads the file again, so a password rotated in PostgreSQL and in the file is used from the next
 * connection on. The JDBC properties are those the pool sets otherwise.
 */
final class PasswordFileDataSource implements DataSource {

    private final String url;
    private final String user;
    private final String passwordReference;
    private volatile int loginTimeout;

    PasswordFileDataSource(String url, String user, String passwordReference) {
        this.url = url;
        this.user = user;
        this.passwordReference = passwordReference;
    }

    @Override
    public Connection getConnection() throws SQLException {
        String password;
        try {
            password = SecretFile.resolve(passwordReference);
        } catch (UncheckedIOException e) {
            throw new SQLException(e.getMessage(), "08001", e);
        }
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties p = new Properties();
        if (username != null) {
            p.setProperty("user", username);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("reWriteBatchedInserts", "true");
        p.setProperty("ApplicationName", "mqcgm");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, p);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
